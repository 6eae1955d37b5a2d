/** The Source contract: the YouTube poller can be woken early instead of waiting out its interval. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/app/runtime/logger.js';
import { PollSource } from '../src/app/runtime/poll-loop.js';
import type { FetchStage, PollResult } from '../src/app/stages/fetch.js';
import type { FetchStore } from '../src/app/youtube/fetch-store.js';
import { Wakeup } from '../src/engine/stream/source.js';
import { eventually } from './helpers/eventually.js';

describe('sources', () => {
  it('a woken wait ends early, and the next one waits again', async () => {
    const w = new Wakeup();
    const stop = new AbortController();
    const first = w.sleep(3_600_000, stop.signal);
    w.wake();
    await first;
    let second = false;
    const pending = w.sleep(3_600_000, stop.signal).then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false, 'a wake is used up by the wait it ended');
    stop.abort();
    await pending;
  });

  it('the poller polls at once when woken, not after its hour-long interval', async () => {
    let polls = 0;
    const fetch = { poll: async (): Promise<PollResult> => ({ pollId: String(++polls), videos: 1, snapshots: 1, unavailable: 0, newVideos: 0, units: 1, membershipUnits: 0, statisticsUnits: 1, steadyUnits: 1, listingUnitsPerDay: 0 }) } as unknown as FetchStage;
    const store = { unitsOn: () => 0 } as unknown as FetchStore;
    const source = new PollSource({ fetch, store, interval: 3600, dailyBudget: 10_000, logger: createLogger('silent') });
    const stop = new AbortController();
    const running = source.run(stop.signal, new AbortController().signal);
    await eventually(() => polls === 1);
    source.wake();
    await eventually(() => polls === 2);
    stop.abort();
    await running;
    assert.equal(polls, 2);
  });
});

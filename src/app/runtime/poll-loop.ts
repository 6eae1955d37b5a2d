import { YtwatchError, describeError } from '../../engine/core/errors.js';
import { nextPacificMidnight } from '../../engine/core/time.js';
import { Wakeup, type Source } from '../../engine/stream/source.js';
import { autoInterval, type FetchStage, type PollResult } from '../stages/fetch.js';
import { YouTubeApiError } from '../youtube/errors.js';
import type { FetchStore } from '../youtube/fetch-store.js';
import type { Logger } from './logger.js';

export interface PollLoopOptions {
  fetch: FetchStage;
  store: FetchStore;
  /**
   * Seconds between polls, or `auto`: the shortest interval at which polls between full listings
   * (statistics, plus a unit per playlist) fit `dailyBudget` minus the daily full listings.
   */
  interval: number | 'auto';
  dailyBudget: number;
  logger: Logger;
  clock?: () => number;
  random?: () => number;
  /** Called after each successful poll. */
  onPoll?: (poll: PollResult) => void;
  /** After each successful poll, with the time the next one starts; may wait for the stages to catch up. */
  afterPoll?: (poll: PollResult, nextAt: number) => Promise<void>;
  /** After a poll that failed and will be tried again (retriable error, quota). */
  onPollFailed?: (reason: string, nextAt: number) => Promise<void>;
}

/**
 * The warning for a fixed interval whose polls would spend more than the daily budget, with the
 * numbers; `undefined` when it fits.
 */
export function overrunWarning(intervalSec: number, unitsPerPoll: number, dailyBudget: number): string | undefined {
  const perDay = Math.ceil(86_400 / intervalSec) * unitsPerPoll;
  if (perDay <= dailyBudget) return undefined;
  const hours = (dailyBudget / unitsPerPoll) * intervalSec / 3600;
  return `interval ${intervalSec} s × ${unitsPerPoll} unit(s) per poll = ${perDay.toLocaleString('en-US')} units a day, over the daily budget of ${dailyBudget.toLocaleString('en-US')}: ` +
    `polling will stop after about ${hours < 1 ? `${Math.round(hours * 60)} min` : `${hours.toFixed(1)} h`} until the reset; ` +
    `--interval auto (${autoInterval(unitsPerPoll, dailyBudget)} s) fits the budget`;
}

/** Midnight Pacific (YouTube's quota reset) after `now`, plus up to 5 minutes of jitter. */
function resetTime(now: number, random: () => number): number {
  return nextPacificMidnight(now) + Math.floor(random() * 300_000);
}

/**
 * The YouTube poller as a {@link Source}: polls until `stop`, every interval, or at once when woken.
 * Waits out YouTube's `quotaExceeded` and the configured daily budget until the Pacific-midnight
 * reset (saying so once each time); a retriable failure skips to the next interval; anything else
 * (bad key, unknown target) rejects. Delivery: see {@link FetchStage}.
 */
export class PollSource implements Source {
  readonly name = 'fetch';
  private readonly wakeup = new Wakeup();

  constructor(private readonly options: PollLoopOptions) {}

  run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    return pollLoop(this.options, stop, abort, this.wakeup);
  }

  wake(): void {
    this.wakeup.wake();
  }
}

/** The poll loop of {@link PollSource}; `wakeup` ends a wait early. */
export async function pollLoop(options: PollLoopOptions, stop: AbortSignal, abort: AbortSignal, wakeup = new Wakeup()): Promise<void> {
  const { fetch, store, interval, dailyBudget, logger } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  let lastUnits = 0;
  let paused = false;
  let warned = false;
  const pauseUntilReset = (why: string): number => {
    const resumeAt = resetTime(clock(), random);
    if (!paused) logger.warn({ resumeAt: new Date(resumeAt).toISOString() }, `${why}: polling paused until the daily reset (midnight Pacific Time)`);
    paused = true;
    return (resumeAt - clock()) / 1000;
  };
  while (!stop.aborted) {
    let waitSec: number;
    if (lastUnits > 0 && store.unitsOn(clock()) + lastUnits > dailyBudget) {
      waitSec = pauseUntilReset(`daily budget of ${dailyBudget} units reached`);
    } else {
      try {
        const poll = await fetch.poll(abort);
        paused = false;
        lastUnits = poll.units;
        options.onPoll?.(poll);
        waitSec = interval === 'auto' ? autoInterval(Math.max(1, poll.steadyUnits), Math.max(1, dailyBudget - poll.listingUnitsPerDay)) : interval;
        if (!warned && interval !== 'auto' && poll.units > 0) {
          warned = true;
          const warning = overrunWarning(interval, poll.units, dailyBudget);
          if (warning) logger.warn(warning);
        }
        const nextAt = clock() + waitSec * 1000;
        await options.afterPoll?.(poll, nextAt).catch((err: unknown) => logger.warn({ err: describeError(err) }, 'poll report failed'));
        waitSec = (nextAt - clock()) / 1000;
      } catch (err) {
        if (abort.aborted || stop.aborted) return;
        if (err instanceof YouTubeApiError && err.quotaExceeded) {
          waitSec = pauseUntilReset('YouTube quota exceeded');
        } else if (err instanceof YtwatchError && err.retriable) {
          waitSec = interval === 'auto' ? 60 : interval;
          logger.error({ err: describeError(err), nextPollInSec: waitSec }, 'poll failed; trying again at the next interval');
        } else {
          throw err;
        }
        await options.onPollFailed?.(describeError(err), clock() + waitSec * 1000).catch(() => {});
      }
    }
    await wakeup.sleep(waitSec * 1000, stop);
  }
}

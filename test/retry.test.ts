/** core/retry's deadline mode, which the Kafka admin's waits use. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retry } from '../src/engine/core/retry.js';

describe('retry until a deadline', () => {
  it('retries what retryIf accepts, past the default attempt count, until it succeeds', async () => {
    let calls = 0;
    const value = await retry(async () => (++calls < 8 ? Promise.reject(new Error('not yet')) : 'done'), { retryIf: () => true, deadlineMs: 60_000, baseDelayMs: 1, maxDelayMs: 1 });
    assert.equal(value, 'done');
    assert.equal(calls, 8);
  });

  it('throws the last error once the deadline passed, and at once what retryIf refuses', async () => {
    let calls = 0;
    await assert.rejects(retry(async () => Promise.reject(new Error(`try ${++calls}`)), { retryIf: () => true, deadlineMs: -1 }), /try 1/);
    calls = 0;
    await assert.rejects(retry(async () => Promise.reject(new Error(`fatal ${++calls}`)), { retryIf: () => false, deadlineMs: 60_000 }), /fatal 1/);
  });
});

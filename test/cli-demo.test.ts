import assert from 'node:assert/strict';
import { once } from 'node:events';
import { it } from 'node:test';
import { scratch, startCli, waitForOutput } from './helpers/cli.js';

it('ytwatch demo prints change alerts with no credentials, and stops cleanly on SIGTERM', async (t) => {
  const s = scratch();
  const child = startCli(['demo'], {}, s.dir);
  try {
    const started = Date.now();
    const out = await waitForOutput(child, /(Likes|Comments|Views) changed: [\d,]+ → [\d,]+ \(\+\d+\)/, 30_000);
    t.diagnostic(`first alert after ${Date.now() - started} ms`);
    assert.match(out, /ytwatch demo: watching 6 videos/);
    assert.match(out, /https:\/\/www\.youtube\.com\/watch\?v=/);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  } finally {
    child.kill('SIGKILL');
    s.cleanup();
  }
});

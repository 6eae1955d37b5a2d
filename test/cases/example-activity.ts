/**
 * Seed 004's job on ytwatch's building blocks: exact firstSeen/lastSeen per user. One case body for
 * every event log: `test/example-activity.test.ts` (embedded), `test/example-activity-kafka.test.ts`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { scratch } from '../helpers/cli.js';

const MAIN = resolve(import.meta.dirname, '../../examples/user-activity/main.ts');

export function runExample(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: resolve(import.meta.dirname, '../..'),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The last summary per user, from the JSON lines on stdout. */
export function finalSummaries(stdout: string): Record<string, { firstSeen: number; lastSeen: number }> {
  const out: Record<string, { firstSeen: number; lastSeen: number }> = {};
  for (const line of stdout.trim().split('\n').filter(Boolean)) {
    const s = JSON.parse(line) as { userId: string; firstSeen: number; lastSeen: number };
    out[s.userId] = { firstSeen: s.firstSeen, lastSeen: s.lastSeen };
  }
  return out;
}

const ev = (userId: string, timestamp: number) =>
  JSON.stringify({ userId, visitorId: 'jas8v12345', type: 'Event', metadata: { messageId: `${userId}-${timestamp}`, sentAt: timestamp, timestamp, receivedAt: 0, apiKey: 'apikey1', spaceId: 'space1', version: 'v1' }, event: 'Played Movie', eventData: { MovieID: 'MIM4ddd4' } });

export const OUT_OF_ORDER = [ev('j11288090', 1534386588), ev('j11288090', 1534382478), '{"userId": broken', ev('j22222222', 1534390000), ev('j11288090', 1534384000), ev('j22222222', 1534380000), JSON.stringify({ userId: 'j3', metadata: {} })];

/** Registers the suite; `env` is called once per test (both runs of the restart case share it). */
export function exampleSuite(name: string, env: () => Record<string, string>): void {
  describe(`user-activity example (${name})`, () => {
    it('the seed sample: 3 users, first/last of 3 events each; no data folder left behind', async () => {
      const tmp = scratch();
      const res = await runExample([], { ...env(), TMPDIR: tmp.dir });
      // Without --data-dir the example's data folder is a temporary one, removed when it ends.
      const left = readdirSync(tmp.dir).filter((f) => f.startsWith('ytwatch-'));
      tmp.cleanup();
      assert.deepEqual(left, []);
      assert.equal(res.code, 0, res.stderr);
      const finals = finalSummaries(res.stdout);
      assert.equal(Object.keys(finals).length, 3);
      for (const [user, s] of Object.entries(finals)) {
        assert.match(user, /^j\d{8}$/);
        assert.ok(s.firstSeen <= s.lastSeen);
      }
      assert.equal(res.stderr, '');
    });

    it('out-of-order timestamps and malformed lines, then a restart', async () => {
      const s = scratch();
      const e = env();
      try {
        const file = join(s.dir, 'events.jsonl');
        writeFileSync(file, OUT_OF_ORDER.join('\n') + '\n');
        const res = await runExample(['--input', file, '--data-dir', s.dataDir], e);
        assert.equal(res.code, 0, res.stderr);
        assert.deepEqual(finalSummaries(res.stdout), {
          j11288090: { firstSeen: 1534382478, lastSeen: 1534386588 },
          j22222222: { firstSeen: 1534380000, lastSeen: 1534390000 },
        });
        // Dead letters from different input partitions have no order between them: sort by line.
        const lineOf = (l: string) => Number(/:(\d+): /.exec(l)?.[1] ?? 0);
        const malformed = res.stderr.trim().split('\n').sort((a, b) => lineOf(a) - lineOf(b));
        assert.equal(malformed.length, 2, res.stderr);
        assert.match(malformed[0]!, /events\.jsonl:3: not JSON/);
        assert.match(malformed[1]!, /events\.jsonl:7: invalid: metadata\.timestamp: Required/);

        // A restart keeps the state: a later event extends lastSeen, a replayed one changes nothing.
        writeFileSync(file, [ev('j11288090', 1534399999), ev('j22222222', 1534385000)].join('\n'));
        const again = await runExample(['--input', file, '--data-dir', s.dataDir], e);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(finalSummaries(again.stdout), { j11288090: { firstSeen: 1534382478, lastSeen: 1534399999 } });
      } finally {
        s.cleanup();
      }
    });
  });
}

/**
 * Dead letters under a running pipeline: `dlq replay` while `run` is running with a broken chat
 * re-queues each dead letter once and does not multiply them; `dlq list` shows the alert, its
 * target and the reason (`--json` too); `dlq replay --id`, `dlq purge --before`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch, startCli, waitUntil } from './helpers/cli.js';

interface Listed {
  id: string;
  state: string;
  target: string;
  reason: string;
  text: string | null;
  title: string | null;
  failures: number;
}

describe('ytwatch dlq', () => {
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  let s: ReturnType<typeof scratch>;
  let env: Record<string, string>;
  let broken: Record<string, string>;
  const list = async (): Promise<Listed[]> => {
    const res = await runCli(['dlq', 'list', '--json'], env, s.dir);
    assert.equal(res.code, 0, res.stderr);
    return (JSON.parse(res.stdout) as Listed[]).filter((l) => l.state === 'waiting');
  };

  before(async () => {
    yt = await FakeYouTube.start();
    tg = await FakeTelegram.start({ chats: [42] });
    yt.addPlaylist('PLdlq', yt.addVideos(3).map((v) => v.id));
    s = scratch();
    s.writeConfig({ notify: { paceMs: 0, maxAttempts: 2, groupAlerts: false } });
    env = fakesEnv(yt, tg, s.dataDir);
    broken = { ...env, TELEGRAM_CHAT_ID: '99' }; // no such chat: 400, not retried
  });
  after(async () => {
    await yt.close();
    await tg.close();
    s.cleanup();
  });

  it('does not create a data folder when there is none', async () => {
    const empty = scratch();
    try {
      for (const args of [['dlq'], ['dlq', 'list', '--json'], ['status']]) {
        const res = await runCli(args, { YTWATCH_DATA_DIR: empty.dataDir }, empty.dir);
        assert.equal(res.code, 0, res.stderr);
        assert.equal(existsSync(empty.dataDir), false, `${args.join(' ')} created ${empty.dataDir}`);
      }
      const res = await runCli(['dlq', 'list', '--json'], { YTWATCH_DATA_DIR: empty.dataDir }, empty.dir);
      assert.equal(res.stdout, '[]\n');
    } finally {
      empty.cleanup();
    }
  });

  it('replay under a running run with a broken chat re-queues each dead letter once', async () => {
    assert.equal((await runCli(['run', '--playlist', 'PLdlq', '--once'], env, s.dir)).code, 0);
    for (const v of yt.videos.values()) v.likes! += 1;
    const child = startCli(['run', '--playlist', 'PLdlq', '--interval', '1h'], broken, s.dir);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    try {
      await waitUntil(async () => (await list()).length === 3, () => stderr);
      const first = await list();
      for (const l of first) {
        assert.match(l.text!, /Likes changed: \d+ → \d+ \(\+1\)/);
        assert.match(l.text!, /Test video \d/);
        assert.equal(l.target, 'chat 99');
        assert.match(l.reason, /chat not found/);
        assert.equal(l.failures, 1);
      }
      const text = await runCli(['dlq', 'list'], env, s.dir);
      assert.match(text.stdout, /^pending {2}\d+-\d+ \S+ notify\/telegram → chat 99: Telegram: 400 Bad Request: chat not found\n {4}👍 Likes changed: /m);
      assert.match(text.stdout, /^3 dead letter\(s\), 3 not replayed/m);

      for (let round = 2; round <= 3; round++) {
        const replay = await runCli(['dlq', 'replay'], env, s.dir);
        assert.equal(replay.code, 0, replay.stderr);
        assert.match(replay.stdout, /^re-queued 3 dead letter\(s\)/);
        // The running notify stage fails them again: still three waiting, each failed once more.
        await waitUntil(async () => (await list()).every((l) => l.failures === round), () => stderr);
        const now = await list();
        assert.equal(now.length, 3, 'not multiplied');
        assert.match((await runCli(['dlq', 'list'], env, s.dir)).stdout, /^3 dead letter\(s\), 3 not replayed/m);
        assert.deepEqual(now.map((l) => l.title).sort(), first.map((l) => l.title).sort());
      }
      assert.equal(tg.messages.length, 0);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0, stderr);
    }
  });

  it('a second replay at the same time on the data folder is refused with one line', async () => {
    // A live process (this one) holds the replay lock, as a running `dlq replay` would.
    const lock = join(s.dataDir, 'log.db.ytwatch-dlq-replay.lock');
    writeFileSync(lock, String(process.pid));
    try {
      const res = await runCli(['dlq', 'replay'], env, s.dir);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^ytwatch: consumer group ytwatch-dlq-replay already runs in process \d+ on this data folder — /);
      assert.equal((await list()).length, 3, 'nothing replayed');
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('replay --id re-queues one, once; purge --before drops the rest; the replayed one is delivered', async () => {
    const [one, ...rest] = await list();
    const replay = await runCli(['dlq', 'replay', '--id', one!.id], env, s.dir);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /^re-queued 1 dead letter\(s\)/);
    assert.deepEqual((await list()).map((l) => l.id), rest.map((l) => l.id));
    const again = await runCli(['dlq', 'replay', '--id', one!.id], env, s.dir);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `ytwatch: dead letter ${one!.id} is replayed, not waiting — only waiting dead letters can be replayed; see \`ytwatch dlq list\`\n`);

    const old = await runCli(['dlq', 'purge', '--before', '2000-01-01'], env, s.dir);
    assert.match(old.stdout, /^purged 0 dead letter\(s\) older than 2000-01-01T00:00:00\.000Z/);
    const soon = new Date(Date.now() + 60_000).toISOString();
    const purge = await runCli(['dlq', 'purge', '--before', soon], env, s.dir);
    assert.equal(purge.code, 0, purge.stderr);
    assert.match(purge.stdout, /^purged 2 dead letter\(s\)/);
    assert.deepEqual(await list(), []);
    const bad = await runCli(['dlq', 'purge', '--before', 'yesterday'], env, s.dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ytwatch: bad --before "yesterday" — use an ISO date/);

    const res = await runCli(['run', '--playlist', 'PLdlq', '--once'], env, s.dir);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(tg.messages.length, 1, 'only the replayed alert reached the (fixed) chat');
    assert.equal(tg.messages[0]!.parsedText.split('\n')[1], one!.title);
  });
});


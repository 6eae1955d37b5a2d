/**
 * Bad input and outside failures: one clear line naming the fix, a non-zero exit, no stack trace,
 * no secret — and nothing already accepted is lost.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { runCli, scratch, type CliResult } from './helpers/cli.js';

/** The one-line error contract. */
function assertOneLineError(res: CliResult, pattern: RegExp, secrets: string[] = []): void {
  assert.notEqual(res.code, 0, 'non-zero exit');
  assert.notEqual(res.code, 70, `a known error, not an internal one: ${res.stderr}`);
  const lines = res.stderr.trim().split('\n').filter((l) => l.startsWith('ytwatch:'));
  assert.equal(lines.length, 1, `exactly one error line: ${res.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.match(lines[0]!, / — /, 'the line names a fix');
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  for (const secret of secrets) assert.ok(!res.stderr.includes(secret) && !res.stdout.includes(secret), 'no secret in the output');
}

/**
 * A copy of this install (bin, dist, package.json) whose node_modules links every package but
 * `without`: what a user has after npm dropped an optional dependency it could not build.
 */
function installWithout(without: string, dir: string): string {
  const root = resolve(import.meta.dirname, '..');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
  const link = (rel: string) => symlinkSync(join(root, 'node_modules', rel), join(dir, 'node_modules', rel));
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (!entry.startsWith('@')) {
      if (entry !== without) link(entry);
      continue;
    }
    mkdirSync(join(dir, 'node_modules', entry));
    for (const pkg of readdirSync(join(root, 'node_modules', entry))) if (`${entry}/${pkg}` !== without) link(`${entry}/${pkg}`);
  }
  return join(dir, 'bin', 'ytwatch.js');
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('CLI errors', () => {
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  const dirs: Array<ReturnType<typeof scratch>> = [];
  const fresh = (config: unknown = { notify: { paceMs: 0, maxAttempts: 2 }, youtube: { attempts: 2, baseDelayMs: 10 } }) => {
    const s = scratch();
    dirs.push(s);
    if (config) s.writeConfig(config);
    return s;
  };
  const ytEnv = (s: ReturnType<typeof scratch>, extra: Record<string, string> = {}) => ({
    YOUTUBE_API_KEY: yt.apiKey,
    YOUTUBE_API_ROOT: yt.url,
    YTWATCH_DATA_DIR: s.dataDir,
    ...extra,
  });

  before(async () => {
    yt = await FakeYouTube.start({ apiKey: 'AIzaSy-super-secret-key-0001' });
    tg = await FakeTelegram.start({ token: '987654:SECRET-bot-token', chats: [42] });
    const vids = yt.addVideos(3);
    yt.addPlaylist('PLerrors', vids.map((v) => v.id));
    yt.addChannel('UCerrorsChannel000000001', 'UUerrorsChannel000000001', '@errors');
    yt.addPlaylist('UUerrorsChannel000000001', [vids[0]!.id]);
  });
  after(async () => {
    await yt.close();
    await tg.close();
    for (const d of dirs) d.cleanup();
  });

  for (const file of ['log.db', 'fetch.db']) {
    it(`a damaged ${file} (issue 17): one line naming the fix, not an internal error`, async () => {
      const s = fresh();
      mkdirSync(s.dataDir, { recursive: true });
      writeFileSync(join(s.dataDir, file), 'garbage, not SQLite '.repeat(500));
      const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s), s.dir);
      assertOneLineError(res, new RegExp(`${file.replace('.', '\\.')} is damaged .* — stop ytwatch, move ${file.replace('.', '\\.')}`));
    });
  }

  it('no API key', async () => {
    const s = fresh();
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], { YTWATCH_DATA_DIR: s.dataDir }, s.dir);
    assertOneLineError(res, /YOUTUBE_API_KEY is not set/);
  });

  it('KAFKA_BROKERS set without the Kafka client names the command that builds it', async () => {
    const s = fresh();
    const bin = installWithout('@confluentinc/kafka-javascript', join(s.dir, 'install'));
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s, { KAFKA_BROKERS: `127.0.0.1:${await closedPort()}` }), s.dir, 60_000, bin);
    assertOneLineError(res, /KAFKA_BROKERS is set but the Kafka client could not be loaded/);
    assert.ok(res.stderr.includes(`run \`cd ${join(s.dir, 'install')} && npm run kafka:client\``), res.stderr);
  });

  it('invalid API key, and the key never shows', async () => {
    const s = fresh();
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s, { YOUTUBE_API_KEY: 'AIzaSy-wrong-key-that-is-secret' }), s.dir);
    assertOneLineError(res, /API key not valid.*— set YOUTUBE_API_KEY/, ['AIzaSy-wrong-key-that-is-secret']);
  });

  it('quota exceeded says when it resets', async () => {
    const s = fresh();
    yt.dailyQuota = yt.unitsUsed;
    try {
      const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s), s.dir);
      assertOneLineError(res, /quotaExceeded.*resets at midnight Pacific Time \(\d{4}-\d\d-\d\dT\d\d:00:00\.000Z\)/, [yt.apiKey]);
    } finally {
      yt.dailyQuota = 10_000;
    }
  });

  it('unknown playlist, channel and video', async () => {
    const s = fresh();
    assertOneLineError(await runCli(['run', '--playlist', 'PLdoesnotexist', '--once'], ytEnv(s), s.dir), /unknown playlist PLdoesnotexist/);
    assertOneLineError(await runCli(['run', '--channel', '@nobodyhere', '--once'], ytEnv(s), s.dir), /unknown channel @nobodyhere/);
    assertOneLineError(await runCli(['run', '--video', 'zzzzzzzzzzz', '--once'], ytEnv(s), s.dir), /unknown video zzzzzzzzzzz/);
  });

  it('a channel by handle resolves to its uploads, looked up once', async () => {
    const s = fresh();
    const before = yt.requests.filter((r) => r.resource === 'channels').length;
    for (let i = 0; i < 2; i++) {
      const res = await runCli(['run', '--channel', 'https://www.youtube.com/@errors', '--once'], ytEnv(s), s.dir);
      assert.equal(res.code, 0, res.stderr);
    }
    assert.equal(yt.requests.filter((r) => r.resource === 'channels').length - before, 1);
  });

  it('malformed ids and flags', async () => {
    const s = fresh();
    assertOneLineError(await runCli(['run', '--video', 'not a video', '--once'], ytEnv(s), s.dir), /not a YouTube video/);
    assertOneLineError(await runCli(['run', '--bogus'], ytEnv(s), s.dir), /Unknown option '--bogus'/);
    assertOneLineError(await runCli(['frobnicate'], ytEnv(s), s.dir), /unknown command "frobnicate"/);
    assertOneLineError(await runCli(['run', '--playlist', 'PLerrors', '--interval', '0'], ytEnv(s), s.dir), /bad interval "0"/);
    assertOneLineError(await runCli(['demo', '--interval', 'fast'], {}, s.dir), /bad interval "fast"/);
    assertOneLineError(await runCli(['run', '--channel', 'https://youtube.com/@%E0%A4%A', '--once'], ytEnv(s), s.dir), /not a YouTube channel/);
  });

  it('malformed config file', async () => {
    const s = fresh(null);
    s.writeConfig({ rules: { likes: { percent: -5 } } });
    assertOneLineError(await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s), s.dir), /config file .*rules\.likes\.percent/);
    const t = fresh(null);
    await import('node:fs').then((fs) => fs.writeFileSync(`${t.dir}/ytwatch.config.json`, '{ "watch": '));
    assertOneLineError(await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(t), t.dir), /not valid JSON/);
  });

  it('unreachable YouTube host', async () => {
    const s = fresh();
    const port = await closedPort();
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s, { YOUTUBE_API_ROOT: `http://127.0.0.1:${port}` }), s.dir);
    assertOneLineError(res, /YouTube playlistItems\.list failed/, [yt.apiKey]);
  });

  it('YouTube 5xx, resets, timeouts, truncated and non-JSON bodies are retried, then the poll succeeds', async () => {
    const s = fresh({ youtube: { attempts: 6, baseDelayMs: 10, timeoutMs: 500 } });
    yt.failNext(1, 'http503', 'playlistItems');
    yt.failNext(1, 'reset', 'playlistItems');
    yt.failNext(1, 'truncated', 'videos');
    yt.failNext(1, 'nonjson', 'videos');
    yt.failNext(1, 'timeout', 'videos');
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], ytEnv(s), s.dir);
    assert.equal(res.code, 0, res.stderr);
  });

  it('bad bot token: alerts are dead-lettered, reported, and the token never shows', async () => {
    const s = fresh();
    const env = ytEnv(s, { TELEGRAM_BOT_TOKEN: '987654:WRONG-secret', TELEGRAM_CHAT_ID: '42', TELEGRAM_API_ROOT: tg.url });
    assert.equal((await runCli(['run', '--playlist', 'PLerrors', '--once'], env, s.dir)).code, 0);
    yt.videos.get('vid00000001')!.likes! += 1;
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], env, s.dir);
    assertOneLineError(res, /1 record\(s\) could not be handled or delivered.*dlq list/, ['WRONG-secret']);
    const list = await runCli(['dlq', 'list'], env, s.dir);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /pending .* notify\/telegram .*: Telegram: 401 Unauthorized/);
    assert.ok(!list.stdout.includes('WRONG-secret'));

    // Nothing accepted is lost: with the right token, a replay delivers it.
    const fixed = { ...env, TELEGRAM_BOT_TOKEN: tg.token };
    const replay = await runCli(['dlq', 'replay'], fixed, s.dir);
    assert.match(replay.stdout, /re-queued 1 dead letter/);
    const before = tg.messages.length;
    const rerun = await runCli(['run', '--playlist', 'PLerrors', '--once'], fixed, s.dir);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(tg.messages.length, before + 1);
    assert.match(tg.messages.at(-1)!.parsedText, /Likes changed: 10 → 11/);
    assert.match((await runCli(['dlq', 'list'], fixed, s.dir)).stdout, /1 dead letter\(s\), 0 not replayed/);
  });

  it('chat not found names the fix', async () => {
    const s = fresh();
    const env = ytEnv(s, { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_CHAT_ID: '-100999', TELEGRAM_API_ROOT: tg.url });
    assert.equal((await runCli(['run', '--playlist', 'PLerrors', '--once'], env, s.dir)).code, 0);
    yt.videos.get('vid00000002')!.comments! += 1;
    const res = await runCli(['run', '--playlist', 'PLerrors', '--once'], env, s.dir);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /chat not found/);
    const doctor = await runCli(['doctor'], env, s.dir);
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /✓ YouTube API key/);
    assert.match(doctor.stdout, /✗ Telegram: 400 Bad Request: chat not found — check TELEGRAM_CHAT_ID/);
    assert.ok(!doctor.stdout.includes(tg.token));
  });

  it('doctor passes with good credentials', async () => {
    const s = fresh();
    const res = await runCli(['doctor'], ytEnv(s, { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_CHAT_ID: '42', TELEGRAM_API_ROOT: tg.url }), s.dir);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /✓ Telegram: bot @\w+ can reach chat/);
  });
});

describe('.env file', () => {
  it('fills what the environment lacks', async () => {
    const yt = await FakeYouTube.start({ apiKey: 'from-dotenv-key' });
    const s = scratch();
    try {
      await import('node:fs').then((fs) => fs.writeFileSync(`${s.dir}/.env`, `YOUTUBE_API_KEY=from-dotenv-key\nYOUTUBE_API_ROOT=${yt.url}\n`));
      const res = await runCli(['doctor'], { YTWATCH_DATA_DIR: s.dataDir }, s.dir);
      assert.match(res.stdout, /✓ YouTube API key/);
      assert.match(res.stdout, /- Telegram: not configured/);
      assert.equal(res.code, 0, 'Telegram is optional');
    } finally {
      await yt.close();
      s.cleanup();
    }
  });
});

/**
 * Broker restart under a running pipeline: `ytwatch run --interval 2s` on Kafka; the broker is
 * stopped, statistics change while it is away, the broker comes back, and the pipeline resumes by
 * itself: every due alert arrives, at least once, with at most one duplicate per restart.
 *
 * It stops the shared broker, so `scripts/test.mjs` runs it alone, after every other test file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { fakesEnv, scratch, startCli } from './helpers/cli.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';
import { eventually } from './helpers/eventually.js';

const SCRIPTS = resolve(import.meta.dirname, '../scripts');
const VIDEOS = 20;
const BEFORE = 5;
const DURING = 10;
const RESTARTS = 1;

let yt: FakeYouTube;
let tg: FakeTelegram;
let s: ReturnType<typeof scratch>;

function script(name: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile('bash', [resolve(SCRIPTS, name)], { timeout: 180_000 }, (err, stdout, stderr) => (err ? fail(new Error(`${name}: ${err.message}\n${stdout}${stderr}`)) : done(stdout)));
  });
}

before(async () => {
  yt = await FakeYouTube.start();
  tg = await FakeTelegram.start({ chats: [42] });
  yt.addPlaylist('PLrestart', yt.addVideos(VIDEOS).map((v) => v.id));
  s = scratch();
  s.writeConfig({ notify: { paceMs: 0, groupAlerts: false } });
});
after(async () => {
  await yt.close();
  await tg.close();
  s.cleanup();
});

const until = (test: () => boolean, timeoutMs: number) => eventually(test, { timeoutMs, intervalMs: 50 });

const video = (i: number) => yt.videos.get(`vid${String(i).padStart(8, '0')}`)!;

it(`broker stopped and restarted mid-run: ${BEFORE + DURING} alerts, all delivered`, async (t) => {
  const brokers = await ensureKafka();
  const env = {
    ...fakesEnv(yt, tg, s.dataDir),
    KAFKA_BROKERS: brokers,
    YTWATCH_TOPIC_PREFIX: uniquePrefix('restart'),
  };
  const child = startCli(['run', '--playlist', 'PLrestart', '--interval', '2s'], env, s.dir);
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout!.resume();
  const exited = once(child, 'exit');
  let brokerUp = true;
  try {
    // After the first poll (the baseline), changes while everything runs.
    await until(() => yt.requests.some((r) => r.resource === 'videos'), 60_000);
    for (let i = 1; i <= BEFORE; i++) video(i).likes! += 1;
    await tg.waitForMessages(BEFORE, 30_000);

    const t0 = Date.now();
    await script('kafka-down.sh');
    brokerUp = false;
    for (let i = BEFORE + 1; i <= BEFORE + DURING; i++) video(i).likes! += 1;
    await new Promise((r) => setTimeout(r, 6000));
    const tUp = Date.now();
    await script('kafka-up.sh');
    brokerUp = true;
    const ready = Date.now();
    await tg.waitForMessages(BEFORE + DURING, 60_000).catch((err: Error) => {
      // Say what became of the pipeline (a crash leaves no log line of its own) and what it logged last.
      const state = child.exitCode !== null || child.signalCode !== null ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : 'still running';
      const lines = stderr.trim().split('\n').filter((l) => !l.includes('Connection refused'));
      throw new Error(`${err.message}; ytwatch run ${state}; YouTube requests ${yt.requests.length}; its last log lines:\n${lines.slice(-30).join('\n')}`);
    });
    const recovered = Date.now();

    const perVideo = new Map<string, number>();
    for (const m of tg.messages) {
      const title = /Likes changed: [\d,]+ → [\d,]+ \(\+1\)\n(Test video \d+)/.exec(m.parsedText)?.[1];
      assert.ok(title, `unexpected message: ${m.parsedText}`);
      perVideo.set(title, (perVideo.get(title) ?? 0) + 1);
    }
    const duplicates = tg.messages.length - perVideo.size;
    t.diagnostic(
      `outage_s=${((ready - t0) / 1000).toFixed(1)} broker_start_s=${((ready - tUp) / 1000).toFixed(1)} ` +
        `last_alert_after_broker_ready_s=${((recovered - ready) / 1000).toFixed(1)} messages=${tg.messages.length} duplicates=${duplicates}`,
    );
    assert.equal(perVideo.size, BEFORE + DURING, 'every due alert delivered');
    assert.ok(duplicates <= RESTARTS, `duplicates ${duplicates} ≤ restarts ${RESTARTS}`);
    assert.equal(child.exitCode, null, `the pipeline kept running:\n${stderr}`);

    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, `clean shutdown after the restart:\n${stderr}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!brokerUp) await script('kafka-up.sh');
  }
});

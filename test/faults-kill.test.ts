/**
 * Fault injection: kill -9 of `ytwatch run` at random moments while alerts are being delivered
 * through a Telegram 429 flood. Afterwards every due alert has been delivered, and duplicates
 * happen only at the Telegram edge, at most one per kill.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch, startCli } from './helpers/cli.js';

const CHANGES = 40;
const KILLS = 5;

let yt: FakeYouTube;
let tg: FakeTelegram;
let s: ReturnType<typeof scratch>;
let env: Record<string, string>;

before(async () => {
  yt = await FakeYouTube.start();
  tg = await FakeTelegram.start({ chats: [42] });
  yt.addPlaylist('PLkill', yt.addVideos(CHANGES).map((v) => v.id));
  s = scratch();
  s.writeConfig({ notify: { paceMs: 0, groupAlerts: false, maxAttempts: 50 } });
  env = fakesEnv(yt, tg, s.dataDir);
});
after(async () => {
  await yt.close();
  await tg.close();
  s.cleanup();
});

/** Resolves once the fake has accepted a message after `count`, or after `ms`. */
function messageAfter(count: number, ms: number): Promise<void> {
  return tg.waitForMessages(count + 1, ms).then(
    () => undefined,
    () => undefined,
  );
}

it(`${CHANGES} changes, ${KILLS} kill -9 during a 429 flood: all delivered, at most one duplicate per kill`, async (t) => {
  const args = ['run', '--playlist', 'PLkill', '--once'];
  assert.equal((await runCli(args, env, s.dir)).code, 0, 'baseline poll');
  for (const v of yt.videos.values()) v.likes! += 1;
  tg.rateLimit({ perChatPerSecond: 4 });

  let kills = 0;
  let trials = 0;
  while (kills < KILLS && trials < 20) {
    trials++;
    const child = startCli(args, env, s.dir);
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = once(child, 'exit');
    await messageAfter(tg.messages.length, 5000);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 700)));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      const [, signal] = await exited;
      if (signal === 'SIGKILL') kills++;
    } else {
      await exited;
    }
  }
  const final = await runCli(args, env, s.dir, 120_000);
  assert.equal(final.code, 0, final.stderr);

  const perVideo = new Map<string, number>();
  for (const m of tg.messages) {
    const title = /Likes changed: [\d,]+ → [\d,]+ \(\+1\)\n(Test video \d+)/.exec(m.parsedText)?.[1];
    assert.ok(title, `unexpected message: ${m.parsedText}`);
    perVideo.set(title, (perVideo.get(title) ?? 0) + 1);
  }
  const delivered = perVideo.size;
  const duplicates = tg.messages.length - delivered;
  const floods = (tg.requests.get('sendMessage') ?? 0) - tg.messages.length;
  t.diagnostic(`trials=${trials} kills=${kills} alerts_due=${CHANGES} delivered=${delivered} messages=${tg.messages.length} duplicates=${duplicates} rejected_429=${floods}`);
  assert.equal(kills, KILLS, 'every kill landed while the run was delivering');
  assert.ok(floods > 0, 'deliveries met 429s');
  assert.equal(delivered, CHANGES, 'every due alert delivered');
  assert.ok(duplicates <= kills, `duplicates ${duplicates} ≤ kills ${kills}`);
});

/**
 * Acceptance of the pipeline: the real CLI against the YouTube and Telegram fakes. One case body for
 * every event log: `test/cli-run.test.ts` runs it on the embedded log, `test/kafka-cli.test.ts` on
 * Apache Kafka (extra environment: `KAFKA_BROKERS`, a fresh `YTWATCH_TOPIC_PREFIX`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../../src/app/fakes/telegram.js';
import { FakeYouTube } from '../../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch } from '../helpers/cli.js';

const PLAYLIST = 'PLacceptance120videos';

/**
 * Registers the acceptance suite; `extraEnv` is called once, before the first run. `afterwards`, when
 * given, runs as a last test with the environment the CLI ran with (checks of what was written).
 */
export function acceptanceSuite(
  name: string,
  extraEnv: () => Record<string, string> | Promise<Record<string, string>> = () => ({}),
  afterwards?: { name: string; check: (env: Record<string, string>) => Promise<void> },
): void {
  describe(`ytwatch run --once on a 120-video playlist (${name})`, () => {
    let yt: FakeYouTube;
    let tg: FakeTelegram;
    let s: ReturnType<typeof scratch>;
    let env: Record<string, string>;
    const run = () => runCli(['run', '--playlist', `https://www.youtube.com/playlist?list=${PLAYLIST}`, '--once'], env, s.dir);

    before(async () => {
      yt = await FakeYouTube.start();
      tg = await FakeTelegram.start({ chats: [42] });
      const videos = yt.addVideos(120);
      yt.addPlaylist(PLAYLIST, videos.map((v) => v.id));
      s = scratch();
      s.writeConfig({ notify: { paceMs: 0 } });
      env = { ...fakesEnv(yt, tg, s.dataDir), ...(await extraEnv()) };
    });
    after(async () => {
      await yt.close();
      await tg.close();
      s.cleanup();
    });

    it('first poll: 6 units, no alert (first sight)', async () => {
      const res = await run();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(yt.unitsUsed, 6, '3 playlist pages + 3 videos.list calls');
      const pages = yt.requests.filter((r) => r.resource === 'playlistItems');
      assert.ok(pages.every((r) => r.query.maxResults === '50'));
      assert.equal(tg.messages.length, 0);
    });

    it('second poll with changes: exactly the alerts the default rules call for', async () => {
      yt.resetUnits();
      const v = (i: number) => yt.videos.get(`vid${String(i).padStart(8, '0')}`)!;
      v(1).likes! += 5; // likes changed
      v(2).comments! += 1; // comments changed
      v(3).views += 150; // 3000 → 3150: no multiple of 200 crossed
      v(4).views += 250; // 4000 → 4250: crosses 4200
      v(5).likes = null; // hidden: never an alert
      v(6).title = 'Tom & Jerry <live> *special*';
      v(6).likes! += 1;
      const res = await run();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(yt.unitsUsed, 6);
      assert.equal(tg.messages.length, 1, 'grouped into one message for the chat');
      const text = tg.messages[0]!.parsedText;
      const blocks = text.split('\n\n');
      assert.equal(blocks.length, 4, text);
      assert.match(text, /Likes changed: 10 → 15 \(\+5\)\nTest video 1/);
      assert.match(text, /Comments changed: 2 → 3 \(\+1\)\nTest video 2/);
      assert.match(text, /Views changed: 4,000 → 4,250 \(\+250\) — passed 4,200\nTest video 4/);
      assert.match(text, /Likes changed: 60 → 61 \(\+1\)\nTom & Jerry <live> \*special\*/);
      assert.doesNotMatch(text, /Test video 3|Test video 5/);
      const links = tg.messages[0]!.entities.filter((e) => e.type === 'text_link');
      assert.ok(links.some((e) => e.url === 'https://www.youtube.com/watch?v=vid00000006'), JSON.stringify(links));
      assert.equal(tg.messages[0]!.parseMode, 'HTML');
    });

    it('a rerun with unchanged statistics sends nothing', async () => {
      yt.resetUnits();
      const res = await run();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(yt.unitsUsed, 6);
      assert.equal(tg.messages.length, 1);
    });

    it('a video that disappears gives one "unavailable" notice, then nothing', async () => {
      yt.videos.delete('vid00000007');
      const res = await run();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(tg.messages.length, 2);
      assert.match(tg.messages[1]!.parsedText, /Test video 7 is no longer available/);
      assert.doesNotMatch(tg.messages[1]!.parsedText, /→ 0/);
      const again = await run();
      assert.equal(again.code, 0, again.stderr);
      assert.equal(tg.messages.length, 2);
    });

    it('waits out a 429 flood and delivers', async () => {
      yt.videos.get('vid00000010')!.likes! += 2;
      tg.floodNext(2, 1);
      const res = await run();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(tg.messages.length, 3);
      assert.match(tg.messages[2]!.parsedText, /Likes changed: 100 → 102/);
      assert.equal(tg.requests.get('sendMessage'), 3 + 2);
    });

    if (afterwards) it(afterwards.name, () => afterwards.check(env));
  });
}

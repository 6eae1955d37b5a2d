/**
 * Subscriptions end to end through the real CLI against the fakes, one case body for both logs
 * (`test/subscriptions.test.ts` embedded, `test/kafka-subscriptions.test.ts` on Kafka): two chats
 * subscribe to overlapping playlists, each gets exactly its alerts once, the shared video is read
 * once per poll, a new video alerts its playlist's subscribers only, removal and mute take effect at
 * the next poll, and every `run` (a restart) keeps the subscriptions.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../../src/app/fakes/telegram.js';
import { FakeYouTube } from '../../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch } from '../helpers/cli.js';

export function subscriptionsSuite(name: string, extraEnv: () => Record<string, string> | Promise<Record<string, string>> = () => ({})): void {
  describe(`subscriptions (${name})`, () => {
    let yt: FakeYouTube;
    let tg: FakeTelegram;
    let s: ReturnType<typeof scratch>;
    let env: Record<string, string>;
    const cli = async (...args: string[]) => {
      const res = await runCli(args, env, s.dir);
      assert.equal(res.code, 0, res.stderr);
      return res;
    };
    const poll = () => cli('run', '--once');
    const to = (chat: string) => tg.messages.filter((m) => m.chatId === chat).map((m) => m.parsedText);
    const v = (i: number) => yt.videos.get(`vid${String(i).padStart(8, '0')}`)!;
    /** ids asked of videos.list in the last poll */
    const asked = () => yt.requests.filter((r) => r.resource === 'videos').flatMap((r) => r.query.id!.split(','));

    before(async () => {
      yt = await FakeYouTube.start();
      tg = await FakeTelegram.start({ chats: [42, 7, 8] });
      const vids = yt.addVideos(5).map((x) => x.id);
      yt.addPlaylist('PLsubsAAAAAA', vids.slice(0, 3));
      yt.addPlaylist('PLsubsBBBBBB', vids.slice(2, 5));
      s = scratch();
      s.writeConfig({ notify: { paceMs: 0 } });
      env = { ...fakesEnv(yt, tg, s.dataDir), ...(await extraEnv()) };
    });
    after(async () => {
      await yt.close();
      await tg.close();
      s.cleanup();
    });

    it('run with nothing to watch: --once refuses in one line', async () => {
      const res = await runCli(['run', '--once'], env, s.dir);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^ytwatch: nothing to watch — .*watch add/);
      assert.equal(res.stderr.trim().split('\n').length, 1);
    });

    it('two chats subscribe to overlapping playlists; the baseline says nothing; the shared video is read once', async () => {
      const added = await cli('watch', 'add', 'https://www.youtube.com/playlist?list=PLsubsAAAAAA', '--chat', '7');
      assert.match(added.stdout, /about \d+ unit\(s\) per poll; --interval auto now polls every \d+ s/);
      await cli('watch', 'add', 'PLsubsBBBBBB', '--chat', '8', '--rules', '{"views":{"any":true}}');
      await cli('watch', 'add', v(3).id, '--chat', '7'); // also in chat 7's playlist: one alert each, not two
      const list = await cli('watch', 'list', '--json');
      assert.equal(JSON.parse(list.stdout).length, 3);
      yt.requests.length = 0;
      await poll();
      assert.equal(tg.messages.length, 0, 'first sight alerts nothing');
      assert.deepEqual(asked().sort(), [1, 2, 3, 4, 5].map((i) => v(i).id), 'each distinct video once');
      assert.equal(yt.requests.filter((r) => r.resource === 'videos').length, 1);
    });

    it('after the baseline each chat gets exactly its alerts, once', async () => {
      v(1).likes! += 1; // chat 7 (likes any)
      v(3).likes! += 1; // chat 7; chat 8's rules ignore likes
      v(3).views += 10; // chat 8 (views any); chat 7's default views every 200: no
      v(5).views += 10; // chat 8
      await poll();
      const seven = to('7');
      const eight = to('8');
      assert.equal(seven.length, 1, seven.join('\n---\n'));
      assert.match(seven[0]!, /Likes changed: 10 → 11 \(\+1\)\nTest video 1/);
      assert.match(seven[0]!, /Likes changed: 30 → 31 \(\+1\)\nTest video 3/);
      assert.equal(seven[0]!.split('\n\n').length, 2);
      assert.equal(eight.length, 1);
      assert.match(eight[0]!, /Views changed: 3,000 → 3,010 \(\+10\)\nTest video 3/);
      assert.match(eight[0]!, /Views changed: 5,000 → 5,010 \(\+10\)\nTest video 5/);
      assert.equal(eight[0]!.split('\n\n').length, 2);
      assert.equal(to('42').length, 0, 'the operator watches nothing');
      await poll(); // a restart: nothing again
      assert.equal(tg.messages.length, 2);
    });

    it('with a fixed interval, a subscription that would overrun the daily budget is refused with the numbers', async () => {
      const tight = `${s.dir}/tight.json`;
      writeFileSync(tight, JSON.stringify({ interval: '10s', dailyBudget: 1000 }));
      const res = await runCli(['watch', 'add', 'PLsubsCCCCCC', '--chat', '7', '--config', tight], env, s.dir);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^ytwatch: refused: with it a poll costs about 5 unit\(s\); every 10 s that is 43,200 units a day, over the daily budget of 1,000 — use interval "auto"/);
      assert.equal(JSON.parse((await cli('watch', 'list', '--json')).stdout).length, 3, 'nothing changed');
    });

    it('a new video in a watched playlist: one 🆕 alert to its subscribers only', async () => {
      const [nv] = yt.addVideos(1);
      yt.addPlaylist('PLsubsBBBBBB', [...yt.playlists.get('PLsubsBBBBBB')!, nv!.id]);
      await poll();
      assert.equal(to('7').length, 1);
      assert.equal(to('8').length, 2);
      assert.match(to('8')[1]!, /New video/);
      assert.match(to('8')[1]!, /Test video 6/);
    });

    it('remove takes effect at the next poll: the playlist is no longer read, its chat told nothing', async () => {
      await cli('watch', 'remove', 'PLsubsBBBBBB', '--chat', '8');
      v(5).views += 10;
      v(1).likes! += 1;
      yt.requests.length = 0;
      await poll();
      assert.equal(to('8').length, 2);
      assert.equal(to('7').length, 2);
      assert.ok(!asked().includes(v(5).id), 'v5 is not polled any more');
      assert.ok(yt.requests.every((r) => r.query.playlistId !== 'PLsubsBBBBBB'));
      const list = JSON.parse((await cli('watch', 'list', '--json')).stdout) as unknown[];
      assert.equal(list.length, 2);
    });
  });
}

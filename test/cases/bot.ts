/**
 * The Telegram bot through a real `ytwatch run` against the fakes (both logs: `test/bot.test.ts`,
 * `test/kafka-bot.test.ts`): two allowed chats subscribe to overlapping playlists by /watch, a third
 * chat is refused once and spends no quota; after the baseline each chat gets exactly its alerts;
 * /list, /mute and /unwatch take effect at the next poll; bad input gets one clear reply each.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../../src/app/fakes/telegram.js';
import { FakeYouTube } from '../../src/app/fakes/youtube.js';
import { fakesEnv, scratch, startCli } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';

export function botSuite(name: string, extraEnv: () => Record<string, string> | Promise<Record<string, string>> = () => ({})): void {
  describe(`Telegram bot commands (${name})`, () => {
    let yt: FakeYouTube;
    let tg: FakeTelegram;
    let s: ReturnType<typeof scratch>;
    let child: ChildProcess;
    let stderr = '';
    const v = (i: number) => yt.videos.get(`vid${String(i).padStart(8, '0')}`)!;
    const texts = (chat: number) => tg.messagesTo(chat).map((m) => m.parsedText);
    /** Sends a command and resolves with the one reply it got. */
    const ask = async (chat: number, text: string) => {
      const before = tg.messagesTo(chat).length;
      tg.userSends(chat, text);
      await eventually(() => tg.messagesTo(chat).length > before, { timeoutMs: 20_000, what: () => `no reply to ${text} in chat ${chat}; stderr:\n${stderr}` });
      return tg.messagesTo(chat).at(-1)!.parsedText;
    };
    const polls = () => yt.requests.filter((r) => r.resource === 'videos').length;
    const nextPolls = async (n = 2) => {
      const start = polls();
      await eventually(() => polls() >= start + n, { timeoutMs: 30_000, what: () => `no poll; stderr:\n${stderr}` });
    };

    before(async () => {
      yt = await FakeYouTube.start();
      tg = await FakeTelegram.start({ chats: [42, 7, 99] });
      const ids = yt.addVideos(4).map((x) => x.id);
      yt.addPlaylist('PLbotAAAAAAA', ids.slice(0, 3));
      yt.addPlaylist('PLbotBBBBBBB', ids.slice(2, 4));
      s = scratch();
      s.writeConfig({ notify: { paceMs: 0 }, interval: '1s', dailyBudget: 1_000_000 });
      const env = { ...fakesEnv(yt, tg, s.dataDir), TELEGRAM_ALLOWED_CHATS: '7, 8', ...(await extraEnv()) };
      child = startCli(['run'], env, s.dir);
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await eventually(() => stderr.includes('nothing to watch yet'), { timeoutMs: 20_000, what: () => stderr });
    });
    after(async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await yt.close();
      await tg.close();
      s.cleanup();
    });

    it('a chat that is not allowed gets one polite refusal, changes nothing, spends no quota', async () => {
      assert.match(await ask(99, '/watch PLbotBBBBBBB'), /only serves the chats its owner allowed/);
      tg.userSends(99, '/list');
      tg.userSends(99, '/watch PLbotAAAAAAA');
      await eventually(() => tg.pendingUpdates === 0, { timeoutMs: 20_000 });
      assert.equal(texts(99).length, 1);
      assert.equal(yt.unitsUsed, 0);
    });

    it('two allowed chats /watch overlapping playlists; the baseline says nothing', async () => {
      assert.match(await ask(7, '/start'), /\/watch/);
      assert.match(await ask(7, '/watch https://www.youtube.com/playlist?list=PLbotAAAAAAA'), /^Watching playlist:PLbotAAAAAAA \(about \d+ unit\(s\) per poll.*\)\. Changes are checked from the next poll\.$/);
      assert.match(await ask(42, '/watch PLbotBBBBBBB {"views":{"any":true}}'), /^Watching playlist:PLbotBBBBBBB/);
      await nextPolls();
      const shared = yt.requests.filter((r) => r.resource === 'videos').at(-1)!.query.id!.split(',');
      assert.equal(shared.filter((id) => id === v(3).id).length, 1, 'the shared video is read once per poll');
      assert.equal(shared.length, 4);
      assert.equal(texts(7).length, 2);
      assert.equal(texts(42).length, 1);
    });

    it('after the baseline each chat gets exactly its alerts once', async () => {
      v(1).likes! += 1; // chat 7
      v(3).likes! += 1; // chat 7 (chat 42's rules watch views only)
      v(3).views += 5; // chat 42
      await eventually(() => texts(7).length === 3 && texts(42).length === 2, { timeoutMs: 30_000, what: () => JSON.stringify({ seven: texts(7), ft: texts(42) }) });
      await nextPolls();
      assert.equal(texts(7).length, 3);
      assert.equal(texts(42).length, 2);
      assert.match(texts(7)[2]!, /Test video 1/);
      assert.match(texts(7)[2]!, /Likes changed: 30 → 31 \(\+1\)\nTest video 3/);
      assert.doesNotMatch(texts(7)[2]!, /Views/);
      assert.match(texts(42)[1]!, /^👁 Views changed: 3,000 → 3,005 \(\+5\)\nTest video 3$/);
      assert.equal(texts(99).length, 1, 'the refused chat got only the refusal');
    });

    it('/list: numbered, with each target\'s video count and cost per poll', async () => {
      assert.equal(await ask(7, '/list'), '1. playlist:PLbotAAAAAAA — 3 video(s), 2 unit(s) per poll');
    });

    it('a new video in a watched playlist: one 🆕 alert to its subscribers only', async () => {
      const [nv] = yt.addVideos(1);
      yt.addPlaylist('PLbotAAAAAAA', [...yt.playlists.get('PLbotAAAAAAA')!, nv!.id]);
      await eventually(() => texts(7).length === 5, { timeoutMs: 30_000, what: () => JSON.stringify(texts(7)) });
      assert.match(texts(7)[4]!, /New video/);
      await nextPolls();
      assert.equal(texts(42).length, 2);
    });

    it('/mute and /unwatch take effect at the next poll', async () => {
      assert.match(await ask(7, '/mute 1 2h'), /^Muted playlist:PLbotAAAAAAA until /);
      await nextPolls();
      v(3).views += 5;
      v(3).likes! += 1;
      await eventually(() => texts(42).length === 3, { timeoutMs: 30_000 });
      await nextPolls();
      assert.equal(texts(7).length, 6, 'muted: nothing after the reply');
      assert.match(await ask(42, '/unwatch 1'), /^Stopped watching playlist:PLbotBBBBBBB/);
      await nextPolls();
      const last = yt.requests.filter((r) => r.resource === 'videos').at(-1)!.query.id!.split(',');
      assert.ok(!last.includes(v(4).id), 'playlist B no longer polled');
      v(3).views += 5;
      await nextPolls(3);
      assert.equal(texts(42).length, 4);
    });

    it('bad input: one clear reply each, nothing else changes', async () => {
      assert.match(await ask(7, '/watch nonsense!!'), /^⚠️ not a YouTube playlist, channel or video: "nonsense!!"/);
      assert.match(await ask(7, '/frobnicate'), /^Unknown command \/frobnicate\. Send \/help/);
      assert.match(await ask(7, `/watch ${'x'.repeat(2000)}`), /too long for a command/);
      assert.match(await ask(7, '/watch PLbotBBBBBBB {"views":'), /not JSON/);
      assert.match(await ask(7, '/mute 1 soonish'), /bad mute time/);
      assert.match(await ask(7, '/unwatch 9'), /does not watch 9/);
      assert.equal(await ask(7, '/list'), '1. playlist:PLbotAAAAAAA — 4 video(s), 2 unit(s) per poll · muted');
    });
  });
}

/** Issue 17, items 11, 12 and 14: control characters, 5,000-character titles, key redaction. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/app/core/events.js';
import { redactSecret } from '../src/engine/core/redact.js';
import { videoUrl } from '../src/app/core/video.js';
import { parseFormatted } from '../src/app/fakes/html.js';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { ConsoleSink } from '../src/app/sinks/console.js';
import { alertHtml, alertText, pack } from '../src/app/sinks/format.js';
import { TELEGRAM_LIMIT, TelegramSink } from '../src/app/sinks/telegram.js';
import { YouTubeClient } from '../src/app/youtube/client.js';

const alert = (title: string, kind: Alert['kind'] = 'change'): Alert => ({ v: 1, id: 'x1', videoId: 'abcdefghijk', title, kind, metric: kind === 'change' ? 'views' : undefined, previous: 1, current: 2, rules: ['any'], at: 0 }) as Alert;

describe('item 11: control characters on the console', () => {
  it('never reach the terminal', async () => {
    let out = '';
    const sink = new ConsoleSink(new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) }));
    await sink.deliver([alert('\x1b]0;pwned\x07Real\x9b31m title\u202eevil\r\nnext\x00')], new AbortController().signal);
    assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    assert.match(out, /Real31m titleevil next/);
    assert.equal(out.split('\n').length, 2, 'one line per alert');
  });
});

describe('item 12: a 5,000-character title', () => {
  const title = '&<b>'.repeat(1250);
  for (const kind of ['change', 'unavailable'] as const) {
    it(`${kind}: the HTML fits, parses and keeps the link; the text keeps it too`, () => {
      const html = alertHtml(alert(title, kind));
      assert.ok(html.length <= TELEGRAM_LIMIT, `${html.length}`);
      const parsed = parseFormatted(html, 'HTML');
      assert.ok(parsed.entities.some((e) => e.type === 'text_link' && e.url === videoUrl('abcdefghijk')));
      const [message] = pack([alert(title, kind)], alertHtml, TELEGRAM_LIMIT);
      assert.equal(message!.text, html, 'never cut by pack');
      const text = alertText(alert(title, kind));
      assert.ok(text.length <= TELEGRAM_LIMIT);
      assert.ok(text.includes(videoUrl('abcdefghijk')));
    });
  }

  describe('through Telegram', () => {
    let tg: FakeTelegram;
    before(async () => (tg = await FakeTelegram.start()));
    after(() => tg.close());
    it('is accepted as HTML with the link', async () => {
      const sink = new TelegramSink({ token: tg.token, chatId: '42', apiRoot: tg.url, paceMs: 1 });
      const failures = await sink.deliver([alert(title)], new AbortController().signal);
      assert.deepEqual(failures, []);
      assert.equal(tg.messages.length, 1);
      assert.equal(tg.messages[0]!.parseMode, 'HTML');
      assert.ok(tg.messages[0]!.entities.some((e) => e.type === 'text_link' && e.url === videoUrl('abcdefghijk')));
    });
  });
});

describe('item 14: key redaction', () => {
  const key = 'AIza/Sy+k=ey é';
  it('catches the raw and every URL-encoded form', () => {
    const forms = [key, encodeURIComponent(key), encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), new URLSearchParams({ key }).toString().slice(4), encodeURI(key)];
    for (const f of forms) assert.equal(redactSecret(`x?key=${f}&y`, key), 'x?key=***&y', f);
    assert.equal(redactSecret('nothing here', ''), 'nothing here');
  });

  describe('in YouTube errors', () => {
    let server: Server;
    let root = '';
    before(async () => {
      server = createServer((req, res) => {
        const echoed = new URL(req.url!, 'http://x').searchParams.get('key')!;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({
          error: { code: 400, message: `Bad request for key=${encodeURIComponent(echoed)}`, errors: [{ reason: 'badRequest', message: 'bad' }] },
        }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      root = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));
    it('never carry the URL-encoded key', async () => {
      const client = new YouTubeClient({ apiKey: key, apiRoot: root });
      const err = await client.videos(['abcdefghijk']).then(() => undefined, (e: unknown) => e as Error);
      assert.ok(err);
      assert.match(err.message, /key=\*\*\*/);
      assert.ok(!err.message.includes(encodeURIComponent(key)) && !err.message.includes(key));
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Api, GrammyError } from 'grammy';
import { FakeTelegram, type FakeTelegramOptions } from '../src/app/fakes/telegram.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const TOKEN = '123456:TEST-token';

async function start(t: TestContext, options?: FakeTelegramOptions): Promise<FakeTelegram> {
  const fake = await FakeTelegram.start(options);
  t.after(() => fake.close());
  return fake;
}

async function call(fake: FakeTelegram, method: string, payload: unknown = {}, token = TOKEN): Promise<Reply> {
  const res = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

function assertError(reply: Reply, code: number, description: string | RegExp): void {
  assert.equal(reply.status, code, reply.text);
  assert.equal(reply.body.ok, false);
  assert.equal(reply.body.error_code, code);
  if (typeof description === 'string') assert.equal(reply.body.description, description);
  else assert.match(reply.body.description, description);
}

const send = (fake: FakeTelegram, text: string, extra: Record<string, unknown> = {}): Promise<Reply> =>
  call(fake, 'sendMessage', { chat_id: 42, text, ...extra });

describe('FakeTelegram basics', () => {
  it('answers getMe and getChat, 401 for a wrong token, 404 for unknown methods', async (t) => {
    const fake = await start(t);
    const me = await call(fake, 'getMe');
    assert.equal(me.status, 200);
    assert.deepEqual({ ok: me.body.ok, id: me.body.result.id, is_bot: me.body.result.is_bot }, { ok: true, id: 123456, is_bot: true });
    const chat = await call(fake, 'getChat', { chat_id: 42 });
    assert.deepEqual({ id: chat.body.result.id, type: chat.body.result.type }, { id: 42, type: 'private' });
    assertError(await call(fake, 'getChat', { chat_id: 7 }), 400, 'Bad Request: chat not found');
    assertError(await call(fake, 'getMe', {}, '123456:wrong'), 401, 'Unauthorized');
    assertError(await call(fake, 'sendPhoto', {}), 404, 'Not Found');
    assert.equal(fake.requests.get('getMe'), 1);
    assert.equal(fake.requests.get('getChat'), 2);
  });

  it('sends messages with per-chat increasing ids', async (t) => {
    const fake = await start(t, { chats: [42, -1001234567890, '@alerts'] });
    const a = await send(fake, 'one');
    const b = await send(fake, 'two');
    const c = await call(fake, 'sendMessage', { chat_id: -1001234567890, text: 'group' });
    const d = await call(fake, 'sendMessage', { chat_id: '@alerts', text: 'channel' });
    assert.deepEqual([a, b, c, d].map((r) => r.body.result.message_id), [1, 2, 1, 1]);
    assert.equal(a.body.result.chat.id, 42);
    assert.equal(a.body.result.text, 'one');
    assert.equal(typeof a.body.result.date, 'number');
    assert.equal(c.body.result.chat.type, 'supergroup');
    assert.equal(d.body.result.chat.type, 'channel');
    assert.deepEqual(fake.messages.map((m) => m.chatId), ['42', '42', '-1001234567890', '@alerts']);
  });

  it('accepts form-encoded and query-string parameters', async (t) => {
    const fake = await start(t);
    const form = await fetch(`${fake.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '42', text: '<b>form</b>', parse_mode: 'HTML', disable_notification: 'true' }),
    });
    assert.equal(form.status, 200);
    const query = await fetch(`${fake.url}/bot${TOKEN}/sendMessage?chat_id=42&text=query`, { method: 'POST' });
    assert.equal(query.status, 200);
    assert.deepEqual(fake.messages.map((m) => [m.parsedText, m.disableNotification]), [['form', true], ['query', undefined]]);
  });
});

describe('FakeTelegram entity parsing', () => {
  it('accepts escaped HTML and decodes it', async (t) => {
    const fake = await start(t);
    const r = await send(fake, '<b>Tom &amp; Jerry &lt;live&gt;</b> &#128064; <a href="https://x.test/?a=1&amp;b=2">watch</a>', {
      parse_mode: 'HTML', link_preview_options: { is_disabled: true },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.result.text, 'Tom & Jerry <live> 👀 watch');
    assert.deepEqual(r.body.result.entities, [
      { type: 'bold', offset: 0, length: 18 },
      { type: 'text_link', offset: 22, length: 5, url: 'https://x.test/?a=1&b=2' },
    ]);
    const [message] = fake.messages;
    assert.equal(message?.text, '<b>Tom &amp; Jerry &lt;live&gt;</b> &#128064; <a href="https://x.test/?a=1&amp;b=2">watch</a>');
    assert.equal(message?.parsedText, 'Tom & Jerry <live> 👀 watch');
    assert.equal(message?.parseMode, 'HTML');
  });

  it('rejects raw HTML special characters and bad tags', async (t) => {
    const fake = await start(t);
    const cases: Array<[string, RegExp]> = [
      ['Tom & Jerry <live>', /^Bad Request: can't parse entities: Character '&'/],
      ['Tom &amp; Jerry <live>', /^Bad Request: can't parse entities: Unsupported start tag "live" at byte offset 16$/],
      ['a < b', /^Bad Request: can't parse entities: Unsupported start tag ""/],
      ['<b>open', /^Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"$/],
      ['<b><i>x</b></i>', /Unmatched end tag at byte offset 7, expected "<\/i>", found "<\/b>"/],
      ['x</b>', /Unexpected end tag at byte offset 1/],
      ['<span>x</span>', /Tag "span" must have class "tg-spoiler"/],
      ['<a href="x>y', /Unclosed start tag/],
    ];
    for (const [text, description] of cases) assertError(await send(fake, text, { parse_mode: 'HTML' }), 400, description);
    assert.equal(fake.messages.length, 0);
    const plain = await send(fake, 'Tom & Jerry <live>');
    assert.equal(plain.body.result.text, 'Tom & Jerry <live>');
  });

  it('accepts every documented HTML tag', async (t) => {
    const fake = await start(t);
    const html = '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>' +
      '<del>d</del><code>c</code><pre><code class="language-ts">p</code></pre><tg-spoiler>t</tg-spoiler>' +
      '<span class="tg-spoiler">x</span><blockquote>q</blockquote>';
    const r = await send(fake, html, { parse_mode: 'html' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.result.text, 'bsieunskdcptxq');
    assert.deepEqual(r.body.result.entities.find((e: { type: string }) => e.type === 'pre'),
      { type: 'pre', offset: 10, length: 1, language: 'ts' });
  });

  it('checks MarkdownV2 escaping', async (t) => {
    const fake = await start(t);
    const bad = await send(fake, 'Views up 5.2%!', { parse_mode: 'MarkdownV2' });
    assertError(bad, 400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    assertError(await send(fake, '*open', { parse_mode: 'MarkdownV2' }), 400, /Can't find end of Bold entity at byte offset 0/);
    const ok = await send(fake, '*Views* up 5\\.2%\\! [video](https://youtu.be/x\\)y) `a_b`', { parse_mode: 'MarkdownV2' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.result.text, 'Views up 5.2%! video a_b');
    assert.deepEqual(ok.body.result.entities[1], { type: 'text_link', offset: 15, length: 5, url: 'https://youtu.be/x)y' });
    assertError(await send(fake, 'x', { parse_mode: 'Markdown3' }), 400, 'Bad Request: unsupported parse_mode');
  });

  it('limits text to 4096 characters after entity parsing and rejects empty text', async (t) => {
    const fake = await start(t);
    assert.equal((await send(fake, 'a'.repeat(4096))).status, 200);
    assertError(await send(fake, 'a'.repeat(4097)), 400, 'Bad Request: message is too long');
    const entities = await send(fake, `<b>${'&amp;'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    assert.equal(entities.status, 200, entities.text);
    assertError(await send(fake, `${'&amp;'.repeat(4097)}`, { parse_mode: 'HTML' }), 400, 'Bad Request: message is too long');
    assertError(await send(fake, ''), 400, 'Bad Request: message text is empty');
    assertError(await send(fake, '<b></b>', { parse_mode: 'HTML' }), 400, 'Bad Request: message text is empty');
  });
});

describe('FakeTelegram chats, floods and faults', () => {
  it('answers unknown and blocked chats', async (t) => {
    const fake = await start(t, { chats: [42, -100] });
    assertError(await call(fake, 'sendMessage', { chat_id: 999, text: 'x' }), 400, 'Bad Request: chat not found');
    fake.block(42);
    assertError(await send(fake, 'x'), 403, 'Forbidden: bot was blocked by the user');
    fake.block(-100);
    assertError(await call(fake, 'sendMessage', { chat_id: -100, text: 'x' }), 403, 'Forbidden: bot was kicked from the group chat');
    fake.block(42, false);
    assert.equal((await send(fake, 'x')).status, 200);
    assert.equal(fake.messages.length, 1);
  });

  it('floods with retry_after', async (t) => {
    const fake = await start(t);
    fake.floodNext(2, 7);
    for (let i = 0; i < 2; i++) {
      const r = await send(fake, 'x');
      assertError(r, 429, 'Too Many Requests: retry after 7');
      assert.deepEqual(r.body.parameters, { retry_after: 7 });
    }
    assert.equal((await send(fake, 'x')).status, 200);
    assert.equal(fake.requests.get('sendMessage'), 3);
  });

  it('rate-limits per chat on its clock', async (t) => {
    let now = 1_700_000_000_000;
    const fake = await start(t, { now: () => now });
    fake.rateLimit({ perChatPerSecond: 1 });
    assert.equal((await send(fake, 'a')).status, 200);
    now += 400;
    const limited = await send(fake, 'b');
    assertError(limited, 429, 'Too Many Requests: retry after 1');
    assert.equal(limited.body.parameters.retry_after, 1);
    now += 600;
    assert.equal((await send(fake, 'c')).status, 200);
    assert.deepEqual(fake.messages.map((m) => m.text), ['a', 'c']);
  });

  it('injects 500, 502, resets and hangs', async (t) => {
    const fake = await start(t);
    fake.failNext(1, 'http500', 'sendMessage');
    assert.equal((await call(fake, 'getMe')).status, 200);
    assertError(await send(fake, 'x'), 500, 'Internal Server Error');
    fake.failNext(1, 'http502');
    const html = await send(fake, 'x');
    assert.equal(html.status, 502);
    assert.match(html.text, /<title>502 Bad Gateway<\/title>/);
    fake.failNext(1, 'reset');
    await assert.rejects(send(fake, 'x'), TypeError);
    fake.failNext(1, 'timeout');
    const hung = send(fake, 'x').then(() => 'answered', () => 'failed');
    assert.equal((await send(fake, 'after')).status, 200);
    await fake.close();
    assert.equal(await hung, 'failed');
    assert.deepEqual(fake.messages.map((m) => m.text), ['after']);
  });
});

describe('FakeTelegram waitForMessages', () => {
  it('resolves when enough messages arrive', async (t) => {
    const fake = await start(t);
    const waiting = fake.waitForMessages(2);
    await send(fake, 'one');
    await send(fake, 'two');
    const messages = await waiting;
    assert.deepEqual(messages.map((m) => m.text), ['one', 'two']);
    assert.equal((await fake.waitForMessages(1)).length, 2);
  });

  it('rejects with a clear error on timeout and on close', async (t) => {
    const fake = await start(t);
    await assert.rejects(fake.waitForMessages(1, 20), /expected 1 messages within 20 ms, got 0/);
    const pending = fake.waitForMessages(5);
    await fake.close();
    await assert.rejects(pending, /FakeTelegram closed/);
  });
});

describe('FakeTelegram with grammY', () => {
  it('serves grammY Api calls and errors', async (t) => {
    const fake = await start(t);
    const api = new Api(TOKEN, { apiRoot: fake.url });
    assert.equal((await api.getMe()).username, 'ytwatch_test_bot');
    const sent = await api.sendMessage(42, '<i>hi</i> &amp; bye', { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    assert.equal(sent.text, 'hi & bye');
    fake.floodNext(1, 3);
    await assert.rejects(api.sendMessage(42, 'x'), (err: unknown) =>
      err instanceof GrammyError && err.error_code === 429 && err.parameters.retry_after === 3);
    await assert.rejects(api.sendMessage(42, 'a & b', { parse_mode: 'HTML' }), (err: unknown) =>
      err instanceof GrammyError && err.error_code === 400 && err.description.startsWith("Bad Request: can't parse entities"));
    assert.equal(fake.messages.length, 1);
  });
});

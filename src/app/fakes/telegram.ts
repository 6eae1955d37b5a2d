/**
 * A local fake of the Telegram Bot API for tests: `POST {url}/bot{token}/{method}` with a JSON,
 * form-encoded or query-string payload, answering `{"ok":true,"result":…}` or
 * `{"ok":false,"error_code":N,"description":"…","parameters":{…}}` with the matching HTTP status.
 * It implements `getMe`, `getChat` and `sendMessage` with Telegram's validation (entity parsing,
 * 4096-character limit, unknown and blocked chats), and injects floods, 5xx, hangs and resets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EntityParseError, isParseMode, parseFormatted, type TextEntity } from './html.js';

export interface FakeTelegramOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The only accepted bot token; default `'123456:TEST-token'`. */
  token?: string;
  /**
   * Chats the bot can write to; default `[42]`. Positive numbers are private chats, negative ones
   * groups (supergroups below -1e12), `'@name'` public channels.
   */
  chats?: Array<number | string>;
  /** Clock for `date`, `at` and rate limits; default `Date.now`. */
  now?: () => number;
}

/** A message the fake accepted. */
export interface SentMessage {
  /** The chat as configured (`'42'`, `'@channel'`), whichever form the request used. */
  chatId: string;
  messageId: number;
  /** `text` exactly as sent. */
  text: string;
  /** The text after entity parsing: tags stripped, entities decoded. */
  parsedText: string;
  entities: TextEntity[];
  parseMode?: string;
  disableNotification?: boolean;
  /** Epoch milliseconds when it was accepted. */
  at: number;
}

export type TelegramFault = 'http500' | 'http502' | 'timeout' | 'reset';

export interface RateLimitOptions {
  /** Accepted messages per chat in any 1-second window before 429; default 1. */
  perChatPerSecond?: number;
  /** Accepted messages across all chats in any 1-second window; default unlimited. */
  overallPerSecond?: number;
}

interface Chat {
  key: string;
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  username?: string;
  blocked: boolean;
  nextMessageId: number;
}

type Params = Record<string, unknown>;

/** A Bot API error reply. */
class BotError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const METHODS = ['getMe', 'getChat', 'sendMessage', 'getUpdates', 'deleteWebhook'] as const;
const MAX_BODY = 1 << 20;
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';

function toChat(entry: number | string, index: number): Chat {
  const text = String(entry).trim();
  const base = { key: text, blocked: false, nextMessageId: 1 };
  if (text.startsWith('@')) {
    return { ...base, id: -1001000000000 - index, type: 'channel', username: text.slice(1) };
  }
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id === 0) throw new RangeError(`FakeTelegram: bad chat id ${text}`);
  const type = id > 0 ? 'private' : id <= -1e12 ? 'supergroup' : 'group';
  return { ...base, id, type };
}

function chatJson(chat: Chat): Record<string, unknown> {
  if (chat.type === 'private') return { id: chat.id, first_name: 'Test', username: `user${chat.id}`, type: 'private' };
  const title = chat.username ? `Channel ${chat.username}` : `Group ${chat.id}`;
  return { id: chat.id, title, ...(chat.username ? { username: chat.username } : {}), type: chat.type };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length <= MAX_BODY) body += chunk;
      if (body.length > MAX_BODY) reject(new BotError(413, 'Request Entity Too Large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (body === '') return params;
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BotError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BotError(400, 'Bad Request: JSON object expected');
    }
    return { ...params, ...(parsed as Params) };
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  }
  return params;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** A fake Telegram Bot API server on 127.0.0.1. */
export class FakeTelegram {
  /** Base URL without trailing slash; use it as grammY's `apiRoot`. */
  readonly url: string;
  readonly token: string;
  /** Every accepted `sendMessage`, in order. */
  readonly messages: SentMessage[] = [];
  /** Requests per method (canonical name), counting every request made with the right token. */
  readonly requests = new Map<string, number>();

  readonly #server: Server;
  readonly #now: () => number;
  readonly #chats: Chat[];
  readonly #faults: Array<{ left: number; fault: TelegramFault; method?: string }> = [];
  readonly #waiters = new Set<{ n: number; resolve: (m: SentMessage[]) => void; fail: (e: Error) => void }>();
  readonly #sent = new Map<string, number[]>();
  /** Incoming messages for `getUpdates` (users talking to the bot), oldest first. */
  readonly #updates: Array<{ update_id: number; message: unknown }> = [];
  #nextUpdate = 1;
  #flood = { left: 0, retryAfter: 0 };
  #limits: Required<RateLimitOptions> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: FakeTelegramOptions) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.token = options.token ?? '123456:TEST-token';
    this.#now = options.now ?? Date.now;
    this.#chats = (options.chats ?? [42]).map(toChat);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.#reply(res, new BotError(500, `Internal Server Error: ${String(err)}`));
      });
    });
  }

  /** Starts a fake on `options.port` (default: a free port). */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FakeTelegram(server, options);
  }

  /** The bot's own User object, as `getMe` returns it; the id is the token's numeric prefix. */
  get me(): Record<string, unknown> {
    const id = Number(this.token.split(':')[0]);
    return {
      id: Number.isSafeInteger(id) ? id : 123456, is_bot: true, first_name: 'ytwatch test bot',
      username: 'ytwatch_test_bot', can_join_groups: true, can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  /** Adds a chat the bot can write to (same forms as the `chats` option). */
  addChat(chatId: number | string): void {
    if (!this.#findChat(chatId)) this.#chats.push(toChat(chatId, this.#chats.length));
  }

  /** Makes `sendMessage` to this chat answer 403 (blocked by the user / kicked from the group). */
  block(chatId: number | string, blocked = true): void {
    const chat = this.#findChat(chatId);
    if (!chat) throw new RangeError(`FakeTelegram: unknown chat ${chatId}`);
    chat.blocked = blocked;
  }

  /** The next `count` sendMessage calls get 429 `Too Many Requests: retry after N`. */
  floodNext(count: number, retryAfterSeconds: number): void {
    this.#flood = { left: count, retryAfter: retryAfterSeconds };
  }

  /**
   * The next `count` requests (of `method` if given, any method otherwise) fail: `http500` (JSON
   * error), `http502` (nginx HTML page), `timeout` (no answer until {@link close}), `reset` (socket
   * destroyed). Faults apply after the token check and before validation.
   */
  failNext(count: number, fault: TelegramFault, method?: string): void {
    this.#faults.push({ left: count, fault, method });
  }

  /** Turns on (or with `false` off) automatic 429s for senders that exceed these rates. */
  rateLimit(options: RateLimitOptions | false = {}): void {
    this.#limits = options === false ? undefined : {
      perChatPerSecond: options.perChatPerSecond ?? 1,
      overallPerSecond: options.overallPerSecond ?? Number.POSITIVE_INFINITY,
    };
  }

  /**
   * Resolves with all messages once at least `n` were accepted; rejects after `timeoutMs`
   * (default 10 s) or when the fake closes.
   */
  waitForMessages(n: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    if (this.messages.length >= n) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: (messages: SentMessage[]) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(messages);
        },
        fail: (err: Error) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        waiter.fail(new Error(
          `FakeTelegram.waitForMessages: expected ${n} messages within ${timeoutMs} ms, got ${this.messages.length}`,
        ));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /**
   * A user in `chatId` sends `text` to the bot: the next `getUpdates` returns it. Returns the update id.
   */
  userSends(chatId: number, text: string): number {
    const update_id = this.#nextUpdate++;
    const chat = chatId < 0 ? { id: chatId, type: 'group', title: `Group ${chatId}` } : { id: chatId, type: 'private', first_name: `User ${chatId}` };
    this.#updates.push({ update_id, message: { message_id: update_id, date: Math.floor(this.#now() / 1000), chat, from: { id: Math.abs(chatId), is_bot: false, first_name: `User ${chatId}` }, text, ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] } : {}) } });
    return update_id;
  }

  /** Messages accepted for one chat, as the user reads them. */
  messagesTo(chatId: number | string): SentMessage[] {
    return this.messages.filter((m) => m.chatId === String(chatId));
  }

  /** Updates the bot has not confirmed yet (`getUpdates` with a higher `offset` confirms). */
  get pendingUpdates(): number {
    return this.#updates.length;
  }

  /** Stops listening, destroys every connection (keep-alive and hung ones) and rejects waiters. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve, reject) => {
      for (const waiter of [...this.#waiters]) waiter.fail(new Error('FakeTelegram closed'));
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  #findChat(chatId: unknown): Chat | undefined {
    const text = String(chatId ?? '').trim();
    if (text.startsWith('@')) {
      const name = text.slice(1).toLowerCase();
      return this.#chats.find((c) => c.username?.toLowerCase() === name);
    }
    return /^-?\d+$/.test(text) ? this.#chats.find((c) => c.id === Number(text)) : undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const match = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      req.resume();
      return this.#reply(res, new BotError(404, 'Not Found'));
    }
    if (decodeURIComponent(match[1] ?? '') !== this.token) {
      req.resume();
      return this.#reply(res, new BotError(401, 'Unauthorized'));
    }
    const raw = match[2] ?? '';
    const method = METHODS.find((m) => m.toLowerCase() === raw.toLowerCase()) ?? raw;
    this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
    let params: Params;
    try {
      params = await readParams(req, url);
    } catch (err) {
      return this.#reply(res, err instanceof BotError ? err : new BotError(400, 'Bad Request'));
    }
    const fault = this.#takeFault(method);
    if (fault === 'timeout') return;
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'http502') {
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(NGINX_502) });
      return void res.end(NGINX_502);
    }
    if (fault === 'http500') return this.#reply(res, new BotError(500, 'Internal Server Error'));
    if (method === 'getUpdates') return this.#reply(res, await this.#getUpdates(params));
    try {
      this.#reply(res, this.#call(method, params));
    } catch (err) {
      if (!(err instanceof BotError)) throw err;
      this.#reply(res, err);
    }
  }

  #takeFault(method: string): TelegramFault | undefined {
    const entry = this.#faults.find((f) => f.left > 0 && (f.method === undefined || f.method === method));
    if (!entry) return undefined;
    entry.left--;
    if (entry.left === 0) this.#faults.splice(this.#faults.indexOf(entry), 1);
    return entry.fault;
  }

  #call(method: string, params: Params): unknown {
    switch (method) {
      case 'getMe':
        return this.me;
      case 'getChat': {
        const chat = this.#findChat(params.chat_id);
        if (!chat) throw new BotError(400, 'Bad Request: chat not found');
        return chatJson(chat);
      }
      case 'sendMessage':
        return this.#sendMessage(params);
      case 'deleteWebhook':
        return true;
      default:
        throw new BotError(404, 'Not Found');
    }
  }

  /** Long polling: confirms updates below `offset`, then answers those left, waiting up to `timeout` s (capped at 2 s) for one. */
  async #getUpdates(params: Params): Promise<unknown> {
    const offset = Number(params.offset ?? 0);
    while (this.#updates.length > 0 && this.#updates[0]!.update_id < offset) this.#updates.shift();
    const deadline = Date.now() + Math.min(2, Number(params.timeout ?? 0)) * 1000;
    while (this.#updates.length === 0 && Date.now() < deadline && !this.#closing) await new Promise((r) => setTimeout(r, 20));
    return this.#updates.slice(0, Number(params.limit ?? 100));
  }

  #sendMessage(params: Params): unknown {
    if (this.#flood.left > 0) {
      this.#flood.left--;
      this.#throwFlood(this.#flood.retryAfter);
    }
    if (params.chat_id === undefined || params.chat_id === '') throw new BotError(400, 'Bad Request: chat_id is empty');
    const chat = this.#findChat(params.chat_id);
    if (!chat) throw new BotError(400, 'Bad Request: chat not found');
    const text = params.text === undefined || params.text === null ? '' : String(params.text);
    if (text === '') throw new BotError(400, 'Bad Request: message text is empty');
    const parseMode = params.parse_mode ? String(params.parse_mode) : undefined;
    if (!isParseMode(parseMode)) throw new BotError(400, `Bad Request: unsupported parse_mode`);
    let parsed;
    try {
      parsed = parseFormatted(text, parseMode);
    } catch (err) {
      if (!(err instanceof EntityParseError)) throw err;
      throw new BotError(400, `Bad Request: can't parse entities: ${err.message}`);
    }
    if (parsed.text.trim() === '') throw new BotError(400, 'Bad Request: message text is empty');
    if (parsed.text.length > 4096) throw new BotError(400, 'Bad Request: message is too long');
    if (chat.blocked) throw new BotError(403, this.#blockedDescription(chat));
    const now = this.#now();
    this.#checkRate(chat, now);
    const message: SentMessage = {
      chatId: chat.key, messageId: chat.nextMessageId++, text, parsedText: parsed.text,
      entities: parsed.entities, at: now,
    };
    if (parseMode) message.parseMode = parseMode;
    if (params.disable_notification !== undefined) message.disableNotification = isTrue(params.disable_notification);
    this.messages.push(message);
    for (const waiter of [...this.#waiters]) {
      if (this.messages.length >= waiter.n) waiter.resolve([...this.messages]);
    }
    const chatObject = chatJson(chat);
    return {
      message_id: message.messageId,
      ...(chat.type === 'channel' ? { sender_chat: chatObject } : { from: this.me }),
      chat: chatObject,
      date: Math.floor(now / 1000),
      text: parsed.text,
      ...(parsed.entities.length > 0 ? { entities: parsed.entities } : {}),
    };
  }

  #blockedDescription(chat: Chat): string {
    if (chat.type === 'private') return 'Forbidden: bot was blocked by the user';
    if (chat.type === 'channel') return 'Forbidden: bot is not a member of the channel chat';
    return `Forbidden: bot was kicked from the ${chat.type} chat`;
  }

  #checkRate(chat: Chat, now: number): void {
    if (!this.#limits) return;
    const recent = (key: string): number[] => {
      const list = (this.#sent.get(key) ?? []).filter((t) => t > now - 1000);
      this.#sent.set(key, list);
      return list;
    };
    const perChat = recent(chat.key);
    const overall = recent('*');
    const full = [
      perChat.length >= this.#limits.perChatPerSecond ? perChat : undefined,
      overall.length >= this.#limits.overallPerSecond ? overall : undefined,
    ].filter((l): l is number[] => l !== undefined);
    if (full.length > 0) {
      const freeAt = Math.max(...full.map((l) => (l[0] ?? now) + 1000));
      this.#throwFlood(Math.max(1, Math.ceil((freeAt - now) / 1000)));
    }
    perChat.push(now);
    overall.push(now);
  }

  #throwFlood(retryAfter: number): never {
    throw new BotError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }

  #reply(res: ServerResponse, result: unknown): void {
    const body = JSON.stringify(
      result instanceof BotError
        ? {
          ok: false, error_code: result.code, description: result.description,
          ...(result.parameters ? { parameters: result.parameters } : {}),
        }
        : { ok: true, result },
    );
    res.writeHead(result instanceof BotError ? result.code : 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}

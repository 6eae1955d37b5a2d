import { Api, GrammyError, HttpError } from 'grammy';
import type { Alert } from '../core/events.js';
import { ConfigError, YtwatchError } from '../../engine/core/errors.js';
import { retry } from '../../engine/core/retry.js';
import { sleep } from '../../engine/core/time.js';
import { alertHtml, alertText, pack } from './format.js';
import { markRecordFailures, RecordFailed, type Failure, type OnSent, type Sink } from './sink.js';
import { NOTIFY_DEFAULTS } from './config.js';
import { defineSink } from './plugin.js';
import { z } from 'zod';
import { optionalString } from '../core/settings.js';

export const TELEGRAM_LIMIT = 4096;

const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** How long a chat that answered 403 (bot blocked or kicked) is left alone before one probe. */
export const BLOCKED_FOR_MS = 10 * 60_000;

/** A plain-text fallback failed after some of its parts were sent. */
class PartlySent extends Error {
  constructor(
    cause: unknown,
    readonly unsent: Alert[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** grammY's Node build types signals with a polyfill's type; the runtime takes the native one. */
type GrammySignal = Parameters<Api['getMe']>[0];
const gs = (signal?: AbortSignal) => signal as unknown as GrammySignal;

/** Telegram answered `ok: false`. Retriable for 429 (after exactly `retryAfterMs`) and 5xx. */
export class TelegramApiError extends YtwatchError {
  override name = 'TelegramApiError';
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Telegram: ${code} ${description}`, { retriable: code === 429 || code >= 500, hint: hintFor(code, description) });
  }
}

/** Telegram could not be reached or timed out. Retriable. The token is never part of the message. */
export class TelegramHttpError extends YtwatchError {
  override name = 'TelegramHttpError';
  constructor(message: string) {
    super(message, { retriable: true, hint: 'check the network and TELEGRAM_API_ROOT' });
  }
}

function hintFor(code: number, description: string): string | undefined {
  if (code === 401) return 'TELEGRAM_BOT_TOKEN is wrong: copy it again from @BotFather';
  if (/chat not found/i.test(description)) return 'check TELEGRAM_CHAT_ID, and that the bot was added to that chat (send it a message first)';
  if (code === 403) return 'the bot cannot write to that chat: unblock it or add it back, then run `ytwatch dlq replay` (a running ytwatch tries the chat again after 10 minutes)';
  return undefined;
}

export interface TelegramSinkOptions {
  token: string;
  chatId: string;
  /** Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Minimum ms between two messages to the chat. Default 1000 (Telegram's ~1 message/s per chat). */
  paceMs?: number;
  /** Pack several alerts into one message. Default true. */
  group?: boolean;
  /** Attempts for retriable failures. Default 8. */
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutSeconds?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Sends alerts with `sendMessage` in HTML mode through grammY. Honours 429 `retry_after` exactly,
 * backs off on 5xx and network errors, paces messages per chat, and gives up (reports a failure)
 * on permanent errors. After a 403 the chat is left alone for ten minutes (its alerts are
 * dead-lettered meanwhile).
 */
export class TelegramSink implements Sink {
  readonly name = 'telegram';
  get target(): string {
    return `chat ${this.options.chatId}`;
  }
  readonly api: Api;
  /** Per chat: when the last message went out (pacing), and a 403's block. */
  private readonly lastSent = new Map<string, number>();
  private readonly blocked = new Map<string, { reason: string; until: number }>();

  constructor(private readonly options: TelegramSinkOptions) {
    this.api = new Api(options.token, {
      apiRoot: options.apiRoot ?? TELEGRAM_API_ROOT,
      timeoutSeconds: options.timeoutSeconds ?? 30,
    });
  }

  /**
   * Groups the alerts per chat (a subscriber's chat, else `TELEGRAM_CHAT_ID`) and delivers each
   * chat's in order; one chat's permanent failure fails only its alerts.
   */
  async deliver(alerts: Alert[], signal: AbortSignal, onSentRaw?: OnSent): Promise<Failure[]> {
    const byChat = new Map<string, Alert[]>();
    for (const a of alerts) {
      const chat = a.recipient?.kind === 'telegram' ? a.recipient.chatId : this.options.chatId;
      byChat.set(chat, [...(byChat.get(chat) ?? []), a]);
    }
    const failures: Failure[] = [];
    for (const [chat, mine] of byChat) failures.push(...(await this.deliverTo(chat, mine, signal, onSentRaw)));
    return failures;
  }

  private async deliverTo(chatId: string, alerts: Alert[], signal: AbortSignal, onSentRaw?: OnSent): Promise<Failure[]> {
    const failures: Failure[] = [];
    const onSent = markRecordFailures(onSentRaw);
    const messages = !(this.options.group ?? NOTIFY_DEFAULTS.groupAlerts)
      ? alerts.map((a) => ({ items: [a], text: alertHtml(a) }))
      : pack(alerts, alertHtml, TELEGRAM_LIMIT);
    for (const m of messages) {
      const blocked = this.blockedReason(chatId);
      if (blocked) {
        failures.push(...m.items.map((alert) => ({ alert, reason: blocked })));
        continue;
      }
      try {
        await this.sendHtml(chatId, m.text, m.items, signal, onSent);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (err instanceof RecordFailed) throw err.error;
        if (err instanceof PartlySent) {
          failures.push(...err.unsent.map((alert) => ({ alert, reason: err.message })));
          continue;
        }
        const reason = err instanceof Error ? err.message : String(err);
        if (err instanceof TelegramApiError && err.code === 403) {
          this.blocked.set(chatId, { reason: `chat ${chatId} refused the bot: ${err.description}`, until: Date.now() + BLOCKED_FOR_MS });
        }
        failures.push(...m.items.map((alert) => ({ alert, reason })));
      }
    }
    return failures;
  }

  /** After a 403 the chat is not written to for {@link BLOCKED_FOR_MS}; then one message probes it. */
  private blockedReason(chatId: string): string | undefined {
    const b = this.blocked.get(chatId);
    if (b && Date.now() >= b.until) this.blocked.delete(chatId);
    return this.blocked.get(chatId)?.reason;
  }

  /** Sends one message and records it; falls back to plain text when Telegram cannot parse it. */
  private async sendHtml(chatId: string, text: string, items: Alert[], signal: AbortSignal, onSent?: OnSent): Promise<void> {
    try {
      await this.send(text, 'HTML', signal, chatId);
    } catch (err) {
      // Escaping makes this unreachable for our own text; if Telegram still cannot parse it, the
      // alerts are sent as plain text rather than lost, each part recorded as soon as it is sent.
      if (err instanceof TelegramApiError && err.code === 400 && /can't parse entities|too long/i.test(err.description)) {
        const parts = pack(items, alertText, TELEGRAM_LIMIT);
        for (let i = 0; i < parts.length; i++) {
          try {
            await this.send(parts[i]!.text, undefined, signal, chatId);
          } catch (partErr) {
            if (i === 0) throw partErr;
            throw new PartlySent(partErr, parts.slice(i).flatMap((p) => p.items));
          }
          await onSent?.(parts[i]!.items);
        }
        return;
      }
      throw err;
    }
    await onSent?.(items);
  }

  /** One `sendMessage` (to `chatId`, default `TELEGRAM_CHAT_ID`), paced per chat and retried. */
  async send(text: string, parseMode: 'HTML' | undefined, signal: AbortSignal, chatId = this.options.chatId): Promise<void> {
    await retry(
      async () => {
        const wait = (this.lastSent.get(chatId) ?? 0) + (this.options.paceMs ?? NOTIFY_DEFAULTS.paceMs) - Date.now();
        if (wait > 0) await sleep(wait, signal);
        this.lastSent.set(chatId, Date.now());
        try {
          await this.api.sendMessage(
            chatId,
            text,
            { parse_mode: parseMode, link_preview_options: { is_disabled: true } },
            gs(signal),
          );
        } catch (err) {
          throw toTelegramError(err, signal);
        }
      },
      {
        attempts: this.options.maxAttempts ?? NOTIFY_DEFAULTS.maxAttempts,
        baseDelayMs: this.options.baseDelayMs ?? 1000,
        signal,
        waitFor: (err) => (err instanceof TelegramApiError ? err.retryAfterMs : undefined),
        onRetry: this.options.onRetry,
      },
    );
  }

  /** Checks the token (`getMe`) and the chat (`getChat`), for `ytwatch doctor`. */
  async check(signal?: AbortSignal): Promise<{ bot: string; chat: string }> {
    try {
      const me = await this.api.getMe(gs(signal));
      const chat = await this.api.getChat(this.options.chatId, gs(signal));
      const title = 'title' in chat && chat.title ? chat.title : 'username' in chat && chat.username ? `@${chat.username}` : String(chat.id);
      return { bot: `@${me.username}`, chat: title };
    } catch (err) {
      throw toTelegramError(err, signal);
    }
  }
}

/** Maps grammY's errors to ours; never carries the token (it is in the URL path). */
export function toTelegramError(err: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (err instanceof GrammyError) {
    const after = err.parameters?.retry_after;
    return new TelegramApiError(err.error_code, err.description, after !== undefined ? after * 1000 : undefined);
  }
  if (err instanceof HttpError) return new TelegramHttpError(`Telegram could not be reached: ${err.message}`);
  return err;
}

/** The Telegram sink's registration: on when `TELEGRAM_BOT_TOKEN` and `TELEGRAM_CHAT_ID` are set. */
export const telegramSink = defineSink({
  name: 'telegram',
  env: {
    TELEGRAM_BOT_TOKEN: optionalString.describe('Bot token from @BotFather. With `TELEGRAM_CHAT_ID`, alerts go to Telegram. Never logged.'),
    TELEGRAM_CHAT_ID: optionalString.describe('Chat to alert: a numeric id or `@channelname`. It may also manage subscriptions through the bot.'),
    TELEGRAM_ALLOWED_CHATS: optionalString.describe('Comma-separated chat ids that may manage subscriptions through the bot (`/watch`, `/unwatch`, `/list`, `/mute`) besides `TELEGRAM_CHAT_ID`; any other chat gets one polite refusal.'),
    TELEGRAM_API_ROOT: z.string().url().default(TELEGRAM_API_ROOT).describe('Telegram Bot API root; requests go to `ROOT/bot<token>/<method>`.'),
  },
  create: ({ env, notify, logger }) => {
    if (!env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_CHAT_ID) return undefined;
    if (!env.TELEGRAM_BOT_TOKEN) throw new ConfigError('TELEGRAM_CHAT_ID is set but TELEGRAM_BOT_TOKEN is not', 'set TELEGRAM_BOT_TOKEN to the token from @BotFather, or unset TELEGRAM_CHAT_ID');
    if (!env.TELEGRAM_CHAT_ID) throw new ConfigError('TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not', 'set TELEGRAM_CHAT_ID to the chat id (a number, or @channel)');
    return new TelegramSink({
      token: env.TELEGRAM_BOT_TOKEN,
      chatId: env.TELEGRAM_CHAT_ID,
      apiRoot: env.TELEGRAM_API_ROOT,
      paceMs: notify.paceMs,
      group: notify.groupAlerts,
      maxAttempts: notify.maxAttempts,
      onRetry: (err, attempt, delayMs) => logger.warn({ attempt, delayMs, err: (err as Error).message }, 'telegram: retrying'),
    });
  },
});

/**
 * The bot's commands as plain functions: one incoming message in, at most one short escaped-HTML
 * reply out, through the same {@link SubscriptionBook} as the CLI and the API. Only the operator's
 * chat and `TELEGRAM_ALLOWED_CHATS` may manage; any other chat gets one polite refusal and nothing
 * else (no quota is spent for it).
 */
import { YtwatchError } from '../../engine/core/errors.js';
import type { Recipient, Subscription } from '../core/events.js';
import { escapeHtml } from '../sinks/format.js';
import { muteUntil, type SubscriptionBook } from '../subscriptions/book.js';
import { MAX_PAGE } from '../youtube/client.js';

/** Longest command text taken; longer messages get one line saying so. */
export const MAX_COMMAND_LENGTH = 1000;

export interface BotContext {
  book: SubscriptionBook;
  /** Chats that may manage subscriptions (ids as text). */
  allowed: ReadonlySet<string>;
  /** Videos per target key as of the latest poll, for `/list` (absent: not polled yet). */
  sizes?: () => ReadonlyMap<string, number>;
  clock?: () => number;
}

export const HELP = [
  '<b>ytwatch</b> tells you when watched YouTube videos change.',
  '/watch &lt;url or id&gt; [rules JSON] — watch a playlist, channel or video',
  '/unwatch &lt;url, id or list number&gt; — stop watching',
  '/list — what this chat watches',
  '/mute &lt;target or number&gt; &lt;duration&gt; — e.g. /mute 1 2h',
  '/help — this text',
].join('\n');

/** The reply to one message from `chatId`, or `undefined` for none (a refused chat's later messages). */
export class BotCommands {
  private readonly refused = new Set<string>();

  constructor(private readonly ctx: BotContext) {}

  async handle(chatId: string, text: string): Promise<string | undefined> {
    if (!this.ctx.allowed.has(chatId)) {
      if (this.refused.has(chatId)) return undefined;
      if (this.refused.size < 10_000) this.refused.add(chatId);
      return 'Sorry, this bot only serves the chats its owner allowed. Nothing was changed.';
    }
    if (text.length > MAX_COMMAND_LENGTH) return `That message is too long for a command (${text.length} characters, at most ${MAX_COMMAND_LENGTH}). Send /help for the commands.`;
    const [head = '', ...args] = text.trim().split(/\s+/);
    const command = head.toLowerCase().replace(/@\w+$/, '');
    const recipient: Recipient = { kind: 'telegram', chatId };
    try {
      switch (command) {
        case '/start':
        case '/help':
          return HELP;
        case '/watch':
          return await this.watch(recipient, args);
        case '/unwatch':
          return await this.unwatch(recipient, args);
        case '/list':
          return await this.list(recipient);
        case '/mute':
          return await this.mute(recipient, args);
        default:
          return command.startsWith('/') ? `Unknown command ${escapeHtml(command.slice(0, 40))}. Send /help for the commands.` : 'Send /help for the commands.';
      }
    } catch (err) {
      if (!(err instanceof YtwatchError)) throw err;
      return `⚠️ ${escapeHtml(err.message)}${err.hint ? ` — ${escapeHtml(err.hint)}` : ''}`;
    }
  }

  private async watch(recipient: Recipient, args: string[]): Promise<string> {
    if (args.length === 0) return 'Usage: /watch &lt;url or id&gt; [rules JSON], e.g. /watch https://www.youtube.com/playlist?list=PL…';
    let rules: unknown;
    if (args.length > 1) {
      try {
        rules = JSON.parse(args.slice(1).join(' '));
      } catch {
        return '⚠️ The rules are not JSON, e.g. {"views":{"every":1000}}';
      }
    }
    const { subscription, created, quota } = await this.ctx.book.add({ recipient, target: args[0]!, rules });
    return `${created ? 'Watching' : 'Updated'} <code>${escapeHtml(subscription.target)}</code>${quota ? ` (${escapeHtml(quota)})` : ''}. Changes are checked from the next poll.`;
  }

  private async unwatch(recipient: Recipient, args: string[]): Promise<string> {
    const sub = await this.pick(recipient, args[0]);
    if (!sub) return `⚠️ This chat does not watch ${escapeHtml((args[0] ?? '').slice(0, 100)) || 'that'}. Send /list to see what it watches.`;
    await this.ctx.book.remove(sub.id);
    return `Stopped watching <code>${escapeHtml(sub.target)}</code>.`;
  }

  private async mute(recipient: Recipient, args: string[]): Promise<string> {
    if (args.length < 2) return 'Usage: /mute &lt;target or list number&gt; &lt;duration&gt;, e.g. /mute 1 2h';
    const sub = await this.pick(recipient, args[0]);
    if (!sub) return `⚠️ This chat does not watch ${escapeHtml(args[0]!.slice(0, 100))}. Send /list to see what it watches.`;
    const until = muteUntil(args[1]!, (this.ctx.clock ?? Date.now)());
    await this.ctx.book.mute(sub.id, until);
    return `Muted <code>${escapeHtml(sub.target)}</code> until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
  }

  private async list(recipient: Recipient): Promise<string> {
    const mine = await this.mine(recipient);
    if (mine.length === 0) return 'This chat watches nothing yet. /watch &lt;url or id&gt; adds something.';
    const sizes = this.ctx.sizes?.() ?? new Map<string, number>();
    const now = (this.ctx.clock ?? Date.now)();
    const lines = mine.map((s, i) => {
      const n = sizes.get(s.target);
      const cost = n === undefined ? 'not polled yet' : `${n} video(s), ${Math.ceil(n / MAX_PAGE) + (s.target.startsWith('video:') ? 0 : 1)} unit(s) per poll`;
      const muted = s.mutedUntil !== null && s.mutedUntil > now ? ' · muted' : '';
      return `${i + 1}. <code>${escapeHtml(s.target)}</code> — ${cost}${muted}`;
    });
    return lines.join('\n');
  }

  private async mine(recipient: Recipient): Promise<Subscription[]> {
    await this.ctx.book.refresh();
    return this.ctx.book.list().filter((s) => s.recipient.kind === 'telegram' && recipient.kind === 'telegram' && s.recipient.chatId === recipient.chatId && !s.id.startsWith('config-'));
  }

  /** A subscription of this chat by list number, id or target. */
  private async pick(recipient: Recipient, what: string | undefined): Promise<Subscription | undefined> {
    if (!what) return undefined;
    const mine = await this.mine(recipient);
    if (/^\d{1,4}$/.test(what)) return mine[Number(what) - 1];
    const found = this.ctx.book.find(what, recipient);
    return found && mine.includes(found) ? found : undefined;
  }
}

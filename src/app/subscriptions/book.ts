/**
 * The subscription book: every subscription (recipient, target, rules, muted-until) as records on
 * the compacted `ytwatch_subscriptions` topic, so they survive restarts and every process on the
 * log sees them, plus the operator's subscriptions from `--playlist/--channel/--video` and the
 * config's `watch` lists (held in memory, never written: the flags and file stay their source).
 * The CLI, the API and the bot change subscriptions through this one class.
 */
import { createHash } from 'node:crypto';
import { ConfigError, YtwatchError } from '../../engine/core/errors.js';
import type { EventLog } from '../../engine/core/log.js';
import { readPartition } from '../../engine/stream/read.js';
import { durationMs } from '../../engine/core/duration.js';
import { Recipient, Subscription } from '../core/events.js';
import { RulesSchema } from '../core/rules.js';
import type { Names } from '../core/topics.js';
import { parseTarget, targetKey, type Target } from '../youtube/targets.js';
import { admit, type QuotaSettings } from './quota.js';

export interface NewSubscription {
  recipient: Recipient;
  /** A target in any form `run` accepts (URL, id, @handle, `playlist:ID`). */
  target: string;
  /** Rules in the config's language; absent: the global `rules`. */
  rules?: unknown;
}

/** A recipient as one short string: `telegram:42`, `webhook`, `console`. */
export function recipientKey(r: Recipient): string {
  return r.kind === 'telegram' ? `telegram:${r.chatId}` : r.kind;
}

/** The same recipient and target always get the same id (adding twice updates the rules). */
export function subscriptionId(recipient: Recipient, target: string, prefix = 's'): string {
  return `${prefix}-${createHash('sha256').update(`${recipientKey(recipient)}|${target}`).digest('hex').slice(0, 12)}`;
}

/** The operator's subscriptions: each flag and `watch` target for the operator's recipient. */
export function operatorSubscriptions(targets: Target[], recipient: Recipient): Subscription[] {
  const keys = [...new Set(targets.map(targetKey))];
  return keys.map((target) => ({ v: 1, id: subscriptionId(recipient, target, 'config'), recipient, target, mutedUntil: null, createdAt: 0 }));
}

export class SubscriptionBook {
  private stored = new Map<string, Subscription>();
  private seenEnd = -1;

  constructor(
    private readonly log: EventLog,
    private readonly names: Names,
    private readonly options: { operator?: Subscription[]; maxPerChat?: number; clock?: () => number; quota?: QuotaSettings } = {},
  ) {}

  /**
   * Reads the subscriptions again when the topic changed since the last refresh (by any process).
   * Always from the start: compaction drops a removed key's records, tombstone included, so reading
   * only what is new could miss removals. Writes are rare and compaction keeps the topic small.
   */
  async refresh(): Promise<void> {
    const topic = this.names.of('subscriptions');
    const end = (await this.log.endOffsets(topic.name)).get(0) ?? 0;
    if (end === this.seenEnd) return;
    const fresh = new Map<string, Subscription>();
    for await (const page of readPartition(this.log, topic.name, 0, 0)) {
      for (const r of page) {
        if (r.value === null) {
          if (r.key) fresh.delete(r.key);
          continue;
        }
        const parsed = topic.parse(r.value);
        if (parsed.ok) fresh.set(parsed.value.id, parsed.value);
      }
    }
    this.stored = fresh;
    this.seenEnd = end;
  }

  /** Every subscription: the operator's (from flags and config) first, then the stored ones by age. */
  list(): Subscription[] {
    return [...(this.options.operator ?? []), ...[...this.stored.values()].sort((a, b) => a.createdAt - b.createdAt)];
  }

  /** The distinct targets of every subscription: what fetch polls (each once). */
  targets(): Target[] {
    return [...new Set(this.list().map((s) => s.target))].map(parseTarget);
  }

  /** The operator's target keys (flags, config `watch`): their alerts go to every sink, as before subscriptions. */
  operatorTargets(): Set<string> {
    return new Set((this.options.operator ?? []).map((s) => s.target));
  }

  /** A subscription by id, or by target (of `recipient` when given). */
  find(idOrTarget: string, recipient?: Recipient): Subscription | undefined {
    const all = this.list().filter((s) => !recipient || recipientKey(s.recipient) === recipientKey(recipient));
    const byId = all.find((s) => s.id === idOrTarget);
    if (byId) return byId;
    let key: string;
    try {
      key = targetKey(parseTarget(idOrTarget));
    } catch {
      return undefined;
    }
    return all.find((s) => s.target === key);
  }

  /** Validates and stores a subscription (the same recipient and target again: its rules are replaced). */
  async add(input: NewSubscription): Promise<{ subscription: Subscription; created: boolean; quota?: string }> {
    const recipient = Recipient.safeParse(input.recipient);
    if (!recipient.success) throw new ConfigError(`bad recipient: ${recipient.error.issues[0]!.message}`, 'give a Telegram chat id (digits), or webhook / console');
    const parsedTarget = parseTarget(input.target);
    const target = targetKey(parsedTarget);
    const rules = input.rules !== undefined ? parseRules(input.rules) : undefined;
    await this.refresh();
    const id = subscriptionId(recipient.data, target);
    const existing = this.stored.get(id);
    if (!existing) {
      const max = this.options.maxPerChat ?? 50;
      const mine = [...this.stored.values()].filter((s) => recipientKey(s.recipient) === recipientKey(recipient.data)).length;
      if (mine >= max) throw new YtwatchError(`${recipientKey(recipient.data)} already has ${mine} subscriptions, the most allowed`, { hint: `remove one first, or raise subscriptions.maxPerChat (now ${max}) in the config file` });
    }
    const quota = this.options.quota ? await admit(this.log, this.names, this.options.quota, this.targets(), parsedTarget) : undefined;
    const subscription: Subscription = { v: 1, id, recipient: recipient.data, target, ...(rules ? { rules } : {}), mutedUntil: existing?.mutedUntil ?? null, createdAt: existing?.createdAt ?? this.now() };
    await this.write(subscription);
    return { subscription, created: !existing, ...(quota ? { quota } : {}) };
  }

  /** Removes a stored subscription; the operator's can only be removed from the flags or config file. */
  async remove(id: string): Promise<Subscription> {
    const sub = await this.stored_(id);
    await this.log.produce([{ topic: this.names.topic('subscriptions'), key: sub.id, value: null }]);
    await this.refresh();
    return sub;
  }

  /** Mutes a stored subscription until `until` (epoch ms; `null` unmutes). */
  async mute(id: string, until: number | null): Promise<Subscription> {
    return this.update(id, { mutedUntil: until });
  }

  /** Changes a stored subscription's mute and/or rules (validated as in {@link add}). */
  async update(id: string, change: { mutedUntil?: number | null; rules?: unknown }): Promise<Subscription> {
    const sub: Subscription = { ...(await this.stored_(id)) };
    if (change.mutedUntil !== undefined) sub.mutedUntil = change.mutedUntil;
    if (change.rules !== undefined) sub.rules = parseRules(change.rules);
    await this.write(sub);
    return sub;
  }

  private async stored_(id: string): Promise<Subscription> {
    await this.refresh();
    const sub = this.stored.get(id);
    if (sub) return sub;
    if (this.options.operator?.some((s) => s.id === id)) throw new ConfigError(`subscription ${id} comes from the command line or the config file's "watch" list`, 'remove it there and restart');
    throw new ConfigError(`no subscription ${JSON.stringify(id.slice(0, 80))}`, 'see `ytwatch watch list` for the ids');
  }

  private async write(sub: Subscription): Promise<void> {
    await this.log.produce([this.names.of('subscriptions').record(sub)]);
    await this.refresh();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}

/** Rules in the config's language, validated; a one-line error naming the fix otherwise. */
export function parseRules(input: unknown): NonNullable<Subscription['rules']> {
  const r = RulesSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ConfigError(`bad rules: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'e.g. {"views":{"every":1000},"likes":{"any":true}} (metrics views, likes, comments; rules any, delta, percent, every, milestones)');
}

/** The end of a mute: an ISO time, or a duration from `now` (`2h`, `1d`, `30m`). */
export function muteUntil(text: string, now: number): number {
  const ms = durationMs(text);
  if (ms !== undefined && /[a-z]$/i.test(text.trim())) return now + ms;
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) && Number.isFinite(at)) return at;
  throw new ConfigError(`bad mute time ${JSON.stringify(text.slice(0, 40))}`, 'give a duration like 2h, 1d, 30m, or an ISO time like 2026-12-24T18:00:00Z');
}

/** The operator's recipient: `TELEGRAM_CHAT_ID`'s chat, else the webhook, else the console. */
export function operatorRecipient(env: { TELEGRAM_CHAT_ID?: string; WEBHOOK_URL?: string }): Recipient {
  if (env.TELEGRAM_CHAT_ID) return { kind: 'telegram', chatId: env.TELEGRAM_CHAT_ID };
  return env.WEBHOOK_URL ? { kind: 'webhook' } : { kind: 'console' };
}

/**
 * WebSub (PubSubHubbub) subscriber for YouTube channels: subscribes each channel's topic at the hub
 * with its own secret, answers the hub's verification, renews leases before they expire, and
 * authenticates notifications (`X-Hub-Signature: sha1=…`, constant-time compare, replays dropped).
 * It never throws at the HTTP layer: anything it does not accept is simply ignored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { YtwatchError } from '../../engine/core/errors.js';
import { parseAtom, type FeedEntry } from './feeds.js';

/** YouTube's WebSub topic of a channel. */
export function channelTopic(channelId: string): string {
  return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${encodeURIComponent(channelId)}`;
}

/** The hub refused a subscription request or could not be reached. Retried with back-off. */
export class WebSubError extends YtwatchError {
  override name = 'WebSubError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, ...options });
  }
}

interface Subscription {
  channelId: string;
  topic: string;
  secret: string;
  /** Set once the hub verified (epoch ms). */
  expiresAt?: number;
  /** Counts verifications, to tell whether one arrived while a request was in flight. */
  verified: number;
  /** When to send the next subscribe request: renewal, or a retry after a failure. */
  nextAt: number;
  failures: number;
}

export interface WebSubOptions {
  /** The hub's subscribe endpoint. */
  hubUrl: string;
  /** Public URL of the callback route; each channel's callback is `<it>/<channel id>`. */
  callbackUrl: string;
  /** Lease asked for; the hub may grant another. */
  leaseSeconds: number;
  clock?: () => number;
  fetch?: typeof fetch;
  /** Share of a lease after which it is renewed. Default 0.8. */
  renewAt?: number;
}

/** What an accepted notification announces. */
export interface Notification {
  channelId: string;
  entries: FeedEntry[];
  deleted: string[];
}

/** Why a notification was ignored (for logs and tests); `undefined` when accepted. */
export type Rejection = 'unknown-topic' | 'unsigned' | 'bad-signature' | 'replay' | 'malformed';

/** What the API's callback route (`/websub/:channelId`) calls; see `src/api/routes-websub.ts`. */
export interface WebSubCallback {
  /** The hub's verification GET: the challenge to echo, or `undefined` (404). */
  verify(channelId: string, query: Record<string, unknown>): string | undefined;
  /** A POSTed notification; answered 2xx whatever happens, so it must not throw. */
  notify(channelId: string, signature: string | undefined, body: Buffer): void;
  /** A body over the route's limit, or another request-level failure. */
  ignored(channelId: string, reason: string): void;
}

/** Bodies remembered for replay detection. */
const REPLAY_MEMORY = 10_000;

export class WebSubSubscriber {
  private readonly subs = new Map<string, Subscription>();
  private readonly seen = new Set<string>();
  private readonly clock: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WebSubOptions) {
    this.clock = options.clock ?? Date.now;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  callbackOf(channelId: string): string {
    return `${this.options.callbackUrl.replace(/\/+$/, '')}/${encodeURIComponent(channelId)}`;
  }

  /** Starts watching these channels (new ones are subscribed at the next {@link renewDue}). */
  watch(channelIds: string[]): void {
    for (const channelId of channelIds) {
      if (this.subs.has(channelId)) continue;
      this.subs.set(channelId, { channelId, topic: channelTopic(channelId), secret: randomBytes(32).toString('hex'), nextAt: 0, failures: 0, verified: 0 });
    }
  }

  /** Sends the subscribe requests that are due (new channels, renewals, retries). Never throws. */
  async renewDue(signal?: AbortSignal, onError?: (channelId: string, err: unknown) => void): Promise<void> {
    for (const sub of this.subs.values()) {
      if (this.clock() < sub.nextAt) continue;
      const verified = sub.verified;
      try {
        await this.subscribe(sub, signal);
        // Until the hub verifies, ask again after a while (a lost verification, a slow hub).
        if (sub.verified === verified) sub.nextAt = this.clock() + Math.min(300_000, this.options.leaseSeconds * 500);
        sub.failures = 0;
      } catch (err) {
        if (signal?.aborted) return;
        sub.failures++;
        if (sub.verified === verified) sub.nextAt = this.clock() + Math.min(300_000, 1000 * 2 ** Math.min(sub.failures, 9));
        onError?.(sub.channelId, err);
      }
    }
  }

  /** Milliseconds until the next subscribe request is due. */
  msUntilDue(): number {
    let next = Infinity;
    for (const sub of this.subs.values()) next = Math.min(next, sub.nextAt);
    return Math.max(0, next - this.clock());
  }

  /** Lease expiry per verified channel (epoch ms). */
  leases(): Map<string, number> {
    return new Map([...this.subs.values()].flatMap((s) => (s.expiresAt ? [[s.channelId, s.expiresAt] as const] : [])));
  }

  /**
   * The hub's verification GET: returns the challenge to echo for a subscription ytwatch asked
   * for, else `undefined` (answer 404). Records the granted lease and schedules its renewal.
   */
  verify(channelId: string, query: Record<string, unknown>): string | undefined {
    const sub = this.subs.get(channelId);
    const challenge = query['hub.challenge'];
    if (!sub || query['hub.topic'] !== sub.topic || typeof challenge !== 'string' || challenge === '') return undefined;
    if (query['hub.mode'] !== 'subscribe') return undefined;
    const granted = Number(query['hub.lease_seconds']);
    const lease = Number.isFinite(granted) && granted > 0 ? granted : this.options.leaseSeconds;
    const now = this.clock();
    sub.expiresAt = now + lease * 1000;
    sub.verified++;
    sub.nextAt = now + lease * 1000 * (this.options.renewAt ?? 0.8);
    return challenge;
  }

  /** The hub refused the subscription (`hub.mode=denied`): retried later. */
  denied(channelId: string, query: Record<string, unknown>): boolean {
    const sub = this.subs.get(channelId);
    if (!sub || query['hub.mode'] !== 'denied' || query['hub.topic'] !== sub.topic) return false;
    sub.expiresAt = undefined;
    sub.nextAt = this.clock() + 300_000;
    return true;
  }

  /** Authenticates and parses a notification body; `{ rejected }` says why it was ignored. */
  accept(channelId: string, signature: string | undefined, body: Buffer): { notification: Notification } | { rejected: Rejection } {
    const sub = this.subs.get(channelId);
    if (!sub || sub.expiresAt === undefined) return { rejected: 'unknown-topic' };
    const m = /^sha1=([0-9a-f]{40})$/i.exec(signature?.trim() ?? '');
    if (!signature) return { rejected: 'unsigned' };
    const expected = createHmac('sha1', sub.secret).update(body).digest();
    if (!m || !timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) return { rejected: 'bad-signature' };
    const digest = createHash('sha256').update(channelId).update('\0').update(body).digest('base64');
    if (this.seen.has(digest)) return { rejected: 'replay' };
    this.remember(digest);
    let feed;
    try {
      feed = parseAtom(body.toString('utf8'));
    } catch {
      return { rejected: 'malformed' };
    }
    if (feed.self !== null && feed.self.replace(/^http:/, 'https:') !== sub.topic) return { rejected: 'unknown-topic' };
    const entries = feed.entries.filter((e) => e.channelId === null || e.channelId === channelId);
    return { notification: { channelId, entries, deleted: feed.deleted } };
  }

  private remember(digest: string): void {
    this.seen.add(digest);
    if (this.seen.size > REPLAY_MEMORY) this.seen.delete(this.seen.values().next().value!);
  }

  private async subscribe(sub: Subscription, signal?: AbortSignal): Promise<void> {
    const form = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.topic': sub.topic,
      'hub.callback': this.callbackOf(sub.channelId),
      'hub.lease_seconds': String(this.options.leaseSeconds),
      'hub.secret': sub.secret,
      'hub.verify': 'async',
    });
    let res: Response;
    try {
      res = await this.fetch(this.options.hubUrl, { method: 'POST', body: form, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(15_000)]) : AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new WebSubError(`WebSub hub ${this.options.hubUrl} could not be reached: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new WebSubError(`WebSub hub refused the subscription to ${sub.topic}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

/** Seed 004's event shape and its sample: 3 users × 3 "Played Movie" events. */
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';

export const UserEvent = z.object({
  userId: z.string().min(1),
  visitorId: z.string().optional(),
  type: z.string().optional(),
  metadata: z.object({
    messageId: z.string().optional(),
    sentAt: z.number().int().optional(),
    /** Event time, Unix seconds: what firstSeen/lastSeen aggregate. */
    timestamp: z.number().int(),
    receivedAt: z.number().int().optional(),
    apiKey: z.string().optional(),
    spaceId: z.string().optional(),
    version: z.string().optional(),
  }),
  event: z.string().optional(),
  eventData: z.record(z.unknown()).optional(),
});
export type UserEvent = z.infer<typeof UserEvent>;

/** `{userId, firstSeen, lastSeen}` on `output_topic`, keyed by userId. */
export interface ActivitySummary {
  userId: string;
  firstSeen: number;
  lastSeen: number;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const alnum = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[randomInt(36)]).join('');

/** The seed's generator: 3 users ("j" + 8 digits), 3 events each, at now + random 4-digit seconds. */
export function sampleEvents(nowSeconds = Math.floor(Date.now() / 1000)): UserEvent[] {
  const out: UserEvent[] = [];
  for (let u = 0; u < 3; u++) {
    const userId = `j${digits(8)}`;
    const visitorId = `jas8v${digits(5)}`;
    for (let e = 0; e < 3; e++) {
      const ts = nowSeconds + randomInt(1000, 10000);
      out.push({
        userId,
        visitorId,
        type: 'Event',
        metadata: { messageId: randomUUID(), sentAt: ts, timestamp: ts, receivedAt: 0, apiKey: `apiKey${randomInt(10)}`, spaceId: `space${randomInt(10)}`, version: `v${randomInt(10)}` },
        event: 'Played Movie',
        eventData: { MovieID: alnum(8) },
      });
    }
  }
  return out;
}

const EVENT_KEYS = new Set(['userId', 'visitorId', 'type', 'metadata', 'event', 'eventData']);
const METADATA_KEYS = new Set(['messageId', 'sentAt', 'timestamp', 'receivedAt', 'apiKey', 'spaceId', 'version']);
const optional = (o: Record<string, unknown>, k: string, ok: (x: unknown) => boolean) => !(k in o) || ok(o[k]);
const isString = (x: unknown) => typeof x === 'string';
const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const onlyKeys = (o: Record<string, unknown>, known: Set<string>) => Object.keys(o).every((k) => known.has(k));

/**
 * A hand-checked fast path for {@link UserEvent}, as `parseValue`'s `fast` argument: the event when
 * it certainly passes the schema, rebuilt as zod returns it (schema order, absent optional keys
 * left out); `undefined` to let the schema decide (and name the reason).
 */
export function fastUserEvent(x: unknown): UserEvent | undefined {
  if (!isPlain(x) || !onlyKeys(x, EVENT_KEYS) || typeof x.userId !== 'string' || x.userId.length === 0) return undefined;
  const m = x.metadata;
  if (!isPlain(m) || !onlyKeys(m, METADATA_KEYS) || !isInt(m.timestamp)) return undefined;
  if (!optional(x, 'visitorId', isString) || !optional(x, 'type', isString) || !optional(x, 'event', isString)) return undefined;
  if (!optional(m, 'messageId', isString) || !optional(m, 'apiKey', isString) || !optional(m, 'spaceId', isString) || !optional(m, 'version', isString)) return undefined;
  if (!optional(m, 'sentAt', isInt) || !optional(m, 'receivedAt', isInt)) return undefined;
  if ('eventData' in x && (!isPlain(x.eventData) || Object.hasOwn(x.eventData, '__proto__'))) return undefined;
  const pick = <T extends Record<string, unknown>>(o: Record<string, unknown>, keys: Iterable<string>) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (k in o) out[k] = k === 'metadata' ? pick(o[k] as Record<string, unknown>, METADATA_KEYS) : k === 'eventData' ? { ...(o[k] as object) } : o[k];
    return out as T;
  };
  return pick<UserEvent>(x, EVENT_KEYS);
}

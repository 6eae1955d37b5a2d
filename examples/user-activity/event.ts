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

type Check = (x: unknown) => boolean;
const isString: Check = (x) => typeof x === 'string';
const isInt: Check = (x) => typeof x === 'number' && Number.isInteger(x);
const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** One field of an object schema: its key, the check of its value, and whether it must be there. */
interface Field {
  key: string;
  ok: Check;
  required?: boolean;
}

/** Whether `o`'s own keys are `fields` in that order (optional ones may be absent), each passing its check. */
function inSchemaOrder(o: Record<string, unknown>, fields: readonly Field[]): boolean {
  let i = 0;
  for (const k in o) {
    while (i < fields.length && fields[i]!.key !== k) if (fields[i++]!.required) return false;
    if (i === fields.length || !fields[i]!.ok(o[k])) return false;
    i++;
  }
  for (; i < fields.length; i++) if (fields[i]!.required) return false;
  return true;
}

const METADATA: readonly Field[] = [
  { key: 'messageId', ok: isString },
  { key: 'sentAt', ok: isInt },
  { key: 'timestamp', ok: isInt, required: true },
  { key: 'receivedAt', ok: isInt },
  { key: 'apiKey', ok: isString },
  { key: 'spaceId', ok: isString },
  { key: 'version', ok: isString },
];
const EVENT: readonly Field[] = [
  { key: 'userId', ok: (x) => typeof x === 'string' && x.length > 0, required: true },
  { key: 'visitorId', ok: isString },
  { key: 'type', ok: isString },
  { key: 'metadata', ok: (x) => isPlain(x) && inSchemaOrder(x, METADATA), required: true },
  { key: 'event', ok: isString },
  { key: 'eventData', ok: (x) => isPlain(x) && !Object.hasOwn(x, '__proto__') },
];

/**
 * A hand-checked fast path for {@link UserEvent}, as `parseValue`'s `fast` argument: the decoded
 * event itself when it certainly passes the schema and already has its keys in the schema's order
 * (as every producer writing this shape does), so it serializes exactly as zod's result would;
 * `undefined` to let the schema decide (an invalid event, or keys in another order). It runs once
 * per event and allocates nothing.
 */
export function fastUserEvent(x: unknown): UserEvent | undefined {
  return isPlain(x) && inSchemaOrder(x, EVENT) ? (x as UserEvent) : undefined;
}

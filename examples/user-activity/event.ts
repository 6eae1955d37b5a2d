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

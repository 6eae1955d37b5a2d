/**
 * Records every pipeline on the engine shares: the dead letter, and strict parsing of JSON values
 * against a zod schema. A value that fails to parse is a poison record and goes to the dead letters.
 */
import { z } from 'zod';

/** A dead letter (ytwatch's `ytwatch_dead_letters`): a record a stage could not handle, with the reason and the original value. */
export const DeadLetter = z.object({
  v: z.literal(1),
  stage: z.string(),
  reason: z.string(),
  /** Whether `dlq replay` may re-queue it to `topic` as it is. */
  topic: z.string(),
  partition: z.number().int(),
  offset: z.number().int(),
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** The original record's headers, if it had any. */
  headers: z.record(z.string()).optional(),
  at: z.number().int(),
  sink: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** Parses JSON text against a schema, returning a readable reason instead of throwing. */
export function parseRecord<T>(schema: z.ZodType<T>, text: string | null): { ok: true; value: T } | { ok: false; reason: string } {
  if (text === null) return { ok: false, reason: 'empty value (tombstone) on a data topic' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const res = schema.safeParse(json);
  if (res.success) return { ok: true, value: res.data };
  const issue = res.error.issues[0]!;
  return { ok: false, reason: `invalid: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

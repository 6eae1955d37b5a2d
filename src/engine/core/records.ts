/**
 * Records every pipeline on the engine shares: the dead letter (with the original value's bytes),
 * and strict parsing of JSON values against a zod schema. A value that fails to parse is a poison
 * record and goes to the dead letters.
 */
import { z } from 'zod';
import { asBuffer, strictText, utf8 } from './bytes.js';
import { jsonSerde } from './serde.js';
import { defineTopic, parseValue, type Parsed } from './topic.js';

const JSON_SERDE = jsonSerde<unknown>();

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
  /** The original value: its UTF-8 text, or base64 when `valueEncoding` says so (a binary format). */
  value: z.string().nullable(),
  valueEncoding: z.literal('base64').optional(),
  /** The original record's headers, if it had any. */
  headers: z.record(z.string()).optional(),
  at: z.number().int(),
  sink: z.string().optional(),
  /** Where the sink was delivering (a chat, a webhook host), for listing. */
  target: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** The dead-letter topic's definition; a pipeline binds it to its own name. */
export const DEAD_LETTERS = defineTopic<DeadLetter>({ name: 'dead_letters', schema: DeadLetter, key: (d) => d.key });

/** A dead letter's copy of an original value: UTF-8 text when it is text, else base64. */
export function letterValue(value: Uint8Array | null): Pick<DeadLetter, 'value' | 'valueEncoding'> {
  if (value === null) return { value: null };
  const asText = strictText(value);
  return asText !== undefined ? { value: asText } : { value: asBuffer(value).toString('base64'), valueEncoding: 'base64' };
}

/** The original bytes a dead letter holds (what `dlq replay` re-queues). */
export function originalValue(letter: DeadLetter): Buffer | null {
  if (letter.value === null) return null;
  return letter.valueEncoding === 'base64' ? Buffer.from(letter.value, 'base64') : utf8(letter.value);
}

/** Parses a JSON value against a schema, returning a readable reason instead of throwing. */
export function parseRecord<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: Uint8Array | string | null): Parsed<T> {
  return parseValue(schema, JSON_SERDE, typeof value === 'string' ? utf8(value) : value);
}

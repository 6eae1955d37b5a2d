/**
 * The documented topic format: one table per record type (field, type, unit, null meaning,
 * example), generated from the zod records in `events.ts` and the notes below. `npm run docs` puts
 * the tables in the README; a test fails when a record gains a field without a note here, and the
 * outside reader (Python) checks every record against this same description.
 */
import { z } from 'zod';
import { Alert, VideoChange, VideoSnapshot, VideoUnavailable } from './events.js';

interface Note {
  unit?: string;
  /** What `null` means; absent = never null. */
  nullMeans?: string;
  example: unknown;
  about: string;
}

const V: Note = { example: 1, about: 'Record version; readers should refuse versions they do not know.' };
const VIDEO_ID: Note = { example: 'dQw4w9WgXcQ', about: 'YouTube video id (also the record key).' };
const FETCHED: Note = { unit: 'epoch ms (UTC)', example: 1764550000123, about: 'When ytwatch fetched this from YouTube.' };
const POLL: Note = { example: 'lmq3x1c0', about: 'Id of the poll that produced the record (same for every video of one poll).' };
const TARGETS: Note = { nullMeans: 'not recorded (older records; absent in JSON): alerts go to every sink', example: ['playlist:PLxxxxxxxx'], about: 'The watched targets (canonical keys) that hold the video; detect routes subscribers\' alerts by them.' };
const OPERATOR: Note = { nullMeans: 'not watched by the operator (absent in JSON)', example: true, about: 'Present (true) when the operator\'s flags or config `watch` list cover the video.' };
const hidden = (metric: string, why: string): Note => ({ nullMeans: `YouTube does not report it (${why})`, example: 42, about: `Count of ${metric}.` });

export const RECORD_DOCS = [
  {
    topic: 'youtube_videos', record: 'snapshot', schema: VideoSnapshot, about: 'One poll\'s view of one video (`type: "snapshot"`).',
    notes: {
      v: V, type: { example: 'snapshot', about: '`snapshot` or `unavailable`.' }, videoId: VIDEO_ID,
      title: { example: 'Never Gonna Give You Up', about: 'Video title.' },
      channelId: { nullMeans: 'not reported', example: 'UCuAXFkgsw1L7xaCfnd5JJOw', about: 'Channel id.' },
      channelTitle: { nullMeans: 'not reported', example: 'Rick Astley', about: 'Channel name.' },
      publishedAt: { unit: 'ISO 8601 text', nullMeans: 'not reported', example: '2009-10-25T06:57:33Z', about: 'When the video was published.' },
      views: hidden('views', 'rare'), likes: hidden('likes', 'likes hidden'), comments: hidden('comments', 'comments off'),
      fetchedAt: FETCHED, pollId: POLL,
      targets: TARGETS, operator: OPERATOR,
      discoveredBy: { nullMeans: 'not a newly found video (absent in JSON)', example: 'feed', about: 'Only on the first snapshot of a video that joined a watched channel or playlist after its first poll: how it was found (`feed`, `listing` or `push`).' },
    },
  },
  {
    topic: 'youtube_videos', record: 'unavailable', schema: VideoUnavailable,
    about: 'A watched video YouTube no longer returns (deleted, private). JSON carries only these fields; Avro carries the snapshot fields too, all `null`.',
    notes: { v: V, type: { example: 'unavailable', about: 'Always `unavailable`.' }, videoId: VIDEO_ID, fetchedAt: FETCHED, pollId: POLL, targets: TARGETS, operator: OPERATOR },
  },
  {
    topic: 'youtube_changes', record: 'change', schema: VideoChange,
    about: 'One row per change of a video (the seeds\' `LATEST_BY_OFFSET(x, 2)`); on an unavailable row the `_current` counts are `null` and `unavailable` is true.',
    notes: {
      v: V, videoId: VIDEO_ID, title: { example: 'Never Gonna Give You Up', about: 'Last known title.' },
      at: { unit: 'epoch ms (UTC)', example: 1764550000123, about: '`fetchedAt` of the snapshot that changed.' },
      ...Object.fromEntries((['views', 'likes', 'comments'] as const).flatMap((m) => [
        [`${m}_previous`, { nullMeans: 'first sight, or not reported before', example: 41, about: `${m} before the change.` }],
        [`${m}_current`, { nullMeans: 'not reported now, or the video is unavailable', example: 42, about: `${m} after the change.` }],
      ])),
      unavailable: { example: false, about: 'True when YouTube stopped returning the video.' },
    },
  },
  {
    topic: 'telegram_outbox', record: 'alert', schema: Alert, about: 'One alert a rule raised, delivered to every configured sink.',
    notes: {
      v: V, id: { example: 'dQw4w9WgXcQ:likes:1764550000123', about: 'Deterministic id (the idempotency key of sinks).' }, videoId: VIDEO_ID,
      title: { example: 'Never Gonna Give You Up', about: 'Video title.' },
      kind: { example: 'change', about: '`change`, `unavailable`, or `new` (a video that joined a watched channel or playlist).' },
      metric: { nullMeans: 'an `unavailable` alert', example: 'likes', about: '`views`, `likes` or `comments`.' },
      previous: { nullMeans: 'unknown (unavailable alert)', example: 10, about: 'Count before.' },
      current: { nullMeans: 'unknown (unavailable alert)', example: 15, about: 'Count after.' },
      rules: { example: ['any'], about: 'Rules that fired: `any`, `every:200`, `percent:5`, `milestone:1000`, `delta:10`.' },
      at: { unit: 'epoch ms (UTC)', example: 1764550000123, about: 'When the change was seen.' },
      recipient: { nullMeans: 'the operator\'s alert, for every configured sink (absent in JSON)', example: { kind: 'telegram', chatId: '42' }, about: 'The subscriber it is for: `{kind: "telegram", chatId}`, `{kind: "webhook"}` or `{kind: "console"}`; its id then ends in `/<subscription id>`.' },
    },
  },
] as const satisfies ReadonlyArray<{ topic: string; record: string; schema: z.AnyZodObject; about: string; notes: Record<string, Note> }>;

export interface FieldDoc {
  field: string;
  /** `string`, `int`, `long`, `double`, `boolean`, `array<string>`, or an enum `a | b`. */
  type: string;
  nullable: boolean;
  /** The field may be left out (zod `.optional()`; written as null in Avro). */
  optional: boolean;
  unit?: string;
  nullMeans?: string;
  example: unknown;
  about: string;
}

/** Field rows of one record, in schema order; throws when a field has no note (or a note no field). */
export function fieldDocs(doc: (typeof RECORD_DOCS)[number]): FieldDoc[] {
  const shape = doc.schema.shape as Record<string, z.ZodTypeAny>;
  const notes = doc.notes as Record<string, Note>;
  for (const k of Object.keys(notes)) if (!(k in shape)) throw new Error(`format docs: ${doc.record}.${k} is not a field`);
  return Object.entries(shape).map(([field, t]) => {
    const note = notes[field];
    if (!note) throw new Error(`format docs: ${doc.record}.${field} has no note in src/app/core/format-doc.ts`);
    const optional = t instanceof z.ZodOptional;
    const present = optional ? (t as z.ZodOptional<z.ZodTypeAny>).unwrap() : t;
    const nullable = present.isNullable();
    // An optional field is absent in JSON and null in Avro: its null needs a meaning too.
    if ((nullable || optional) !== (note.nullMeans !== undefined)) throw new Error(`format docs: ${doc.record}.${field}: say what null means exactly when it can be null`);
    return { field, type: typeName(nullable ? (present as z.ZodNullable<z.ZodTypeAny>).unwrap() : present), nullable, optional, ...note };
  });
}

function typeName(t: z.ZodTypeAny): string {
  if (t instanceof z.ZodDiscriminatedUnion) return 'record';
  if (t instanceof z.ZodString) return 'string';
  if (t instanceof z.ZodNumber) return t.isInt ? 'long' : 'double';
  if (t instanceof z.ZodBoolean) return 'boolean';
  if (t instanceof z.ZodLiteral) return typeof t.value === 'number' ? 'int' : typeof t.value;
  if (t instanceof z.ZodEnum) return (t.options as string[]).join(' \\| ');
  if (t instanceof z.ZodArray) return `array<${typeName(t.element as z.ZodTypeAny)}>`;
  throw new Error(`format docs: no type name for ${(t._def as { typeName: string }).typeName}`);
}

/** The README's "Topic format" tables (Markdown). */
export function formatReference(): string {
  return RECORD_DOCS.map((doc) => {
    const rows = fieldDocs(doc).map((f) =>
      `| \`${f.field}\` | ${f.type}${f.nullable ? ' or null' : ''}${f.optional ? ' (may be absent)' : ''} | ${f.unit ?? ''} | ${f.nullMeans ?? 'never null'} | \`${JSON.stringify(f.example)}\` | ${f.about} |`);
    return [`#### \`${doc.topic}\` — ${doc.record}`, '', doc.about, '', '| Field | Type | Unit | Null means | Example | About |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
  }).join('\n\n');
}

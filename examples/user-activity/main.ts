/**
 * `npm run example:activity -- [--input FILE] [--data-dir DIR]`: publishes seed 004's events (the
 * file's JSON lines, or the seed's generated sample) to `input_topic` keyed by userId, runs the
 * aggregator until it has caught up, prints every `output_topic` record of this run as one JSON line
 * on stdout, and reports malformed lines on stderr. Embedded log by default; Kafka when
 * `KAFKA_BROKERS` is set (topics prefixed by `YTWATCH_TOPIC_PREFIX`).
 */
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DeadLetter, createEventLog, drain, parseRecord, readPartition, type EventLog, type LogRecord, type ProduceRecord } from '../../src/index.js';
import { activityTopics, createAggregator } from './aggregator.js';
import { sampleEvents } from './event.js';

/** Lines published per append while streaming a file: memory stays flat in the file's size. */
const PUBLISH_CHUNK = 5000;

/**
 * Publishes the file's lines, streamed, as records keyed by userId when readable; unreadable ones
 * still go in (and are dead-lettered).
 */
async function publishFile(log: EventLog, path: string, topic: string): Promise<void> {
  let chunk: ProduceRecord[] = [];
  let n = 0;
  for await (const raw of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    n++;
    const line = raw.trim();
    if (line === '') continue;
    let key: string | null = null;
    try {
      const userId = (JSON.parse(line) as { userId?: unknown }).userId;
      if (typeof userId === 'string') key = userId;
    } catch {
      // Malformed: published as it is; the aggregator dead-letters it with the reason.
    }
    chunk.push({ topic, key, value: line, headers: { source: `${path}:${n}` } });
    if (chunk.length === PUBLISH_CHUNK) {
      await log.produce(chunk);
      chunk = [];
    }
  }
  await log.produce(chunk);
}

/** The records appended to `topic` since `since`, page by page (a user's records keep their order). */
async function* readSince(log: EventLog, topic: string, since: Map<number, number>): AsyncGenerator<LogRecord> {
  for (let p = 0; p < (await log.partitionCount(topic)); p++) {
    for await (const page of readPartition(log, topic, p, since.get(p) ?? 0)) yield* page;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { input: { type: 'string' }, 'data-dir': { type: 'string' } } });
  if (values.input && !existsSync(values.input)) {
    process.stderr.write(`example: input file not found: ${values.input} — pass a JSON-lines file with --input\n`);
    return 1;
  }
  const prefix = process.env.YTWATCH_TOPIC_PREFIX ?? '';
  const topics = activityTopics(prefix);
  // Without --data-dir the embedded log lives in a temporary folder, removed when the run ends.
  const temporary = values['data-dir'] ? undefined : mkdtempSync(join(tmpdir(), 'ytwatch-activity-'));
  const removeTemporary = () => temporary && rmSync(temporary, { recursive: true, force: true });
  const log = await createEventLog({ dataDir: values['data-dir'] ?? temporary!, kafkaBrokers: process.env.KAFKA_BROKERS, clientId: 'ytwatch-example' }).catch((err: unknown) => {
    removeTemporary();
    throw err;
  });
  try {
    const aggregator = await createAggregator(log, topics, `${prefix}user-activity`);
    const outputStart = await log.endOffsets(topics.output);
    const dlqStart = await log.endOffsets(topics.deadLetters);
    if (values.input) await publishFile(log, values.input, topics.input);
    else await log.produce(sampleEvents().map((e) => ({ topic: topics.input, key: e.userId, value: JSON.stringify(e) })));
    await aggregator.start();
    await drain(aggregator as never, new AbortController().signal);
    await aggregator.close();
    for await (const r of readSince(log, topics.output, outputStart)) process.stdout.write(`${r.value}\n`);
    for await (const r of readSince(log, topics.deadLetters, dlqStart)) {
      const d = parseRecord(DeadLetter, r.value);
      if (d.ok) process.stderr.write(`malformed event${d.value.headers?.source ? ` at ${d.value.headers.source}` : ''}: ${d.value.reason}\n`);
    }
    return 0;
  } finally {
    await log.close();
    removeTemporary();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`example: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);

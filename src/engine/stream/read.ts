import type { EventLog, LogRecord } from '../core/log.js';

/**
 * Reads one partition from `from` up to its end offset as it was when called, in pages, outside
 * any consumer group: state restores, dead-letter listings, catching up on a changelog.
 */
export async function* readPartition(log: EventLog, topic: string, partition: number, from = 0, pageSize = 5000): AsyncGenerator<LogRecord[]> {
  const end = (await log.endOffsets(topic)).get(partition) ?? 0;
  let next = from;
  while (next < end) {
    const page = (await log.read(topic, partition, next, pageSize)).filter((r) => r.offset < end);
    if (page.length === 0) return;
    yield page;
    next = page[page.length - 1]!.offset + 1;
  }
}

/** Every record of a topic from the given per-partition offsets (default: the start) to its end. */
export async function readTopic(log: EventLog, topic: string, since: Map<number, number> = new Map()): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let p = 0; p < (await log.partitionCount(topic)); p++) {
    for await (const page of readPartition(log, topic, p, since.get(p) ?? 0)) out.push(...page);
  }
  return out;
}

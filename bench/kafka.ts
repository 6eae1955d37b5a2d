/** The same stages on the real broker, beside Apache Kafka's own ConsumerPerformance on an equal topic. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { names } from '../src/app/core/topics.js';
import { createEventLog } from '../src/engine/log/create.js';
import { topicSpecs } from '../src/app/runtime/open-log.js';
import { benchDetect, benchLatency, type DetectResult } from './embedded.js';
import { withTempDir } from './util.js';

const ROOT = join(import.meta.dirname, '..');

/** Raw consume rate of `topic` by Kafka's ConsumerPerformance (records/s of the fetch phase). */
export function consumerPerformance(brokers: string, topic: string, messages: number): { nMsgSec: number; fetchNMsgSec: number } {
  const out = execFileSync(
    'bash',
    [join(ROOT, 'scripts/kafka/run-class.sh'), 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', brokers, '--topic', topic, '--messages', String(messages), '--timeout', '60000'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = out.trim().split('\n');
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const cols = lines[header]!.split(',').map((s) => s.trim());
  const vals = lines[header + 1]!.split(',').map((s) => s.trim());
  const get = (name: string) => Number(vals[cols.indexOf(name)]);
  return { nMsgSec: Math.round(get('nMsg.sec')), fetchNMsgSec: Math.round(get('fetch.nMsg.sec')) };
}

export interface KafkaResult extends DetectResult {
  partitions: number;
  consumerPerformance: { nMsgSec: number; fetchNMsgSec: number };
  detectOverRaw: number;
}

export async function benchKafkaDetect(brokers: string, videos: number, rounds: number, partitions: number): Promise<KafkaResult> {
  return withTempDir(async (dir) => {
    const nm = names(`bench-${Date.now()}-`);
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions, clientId: 'ytwatch-bench' });
    try {
      await log.ensureTopics(topicSpecs(nm, partitions));
      const res = await benchDetect(log, nm, videos, rounds);
      const raw = consumerPerformance(brokers, nm.topic('videos'), res.snapshots);
      return { ...res, partitions, consumerPerformance: raw, detectOverRaw: Number((res.detectPerSec / Math.max(raw.nMsgSec, raw.fetchNMsgSec)).toFixed(2)) };
    } finally {
      await log.close();
    }
  });
}

export async function benchKafkaLatency(brokers: string, samples: number) {
  return withTempDir(async (dir) => {
    const nm = names(`bench-lat-${Date.now()}-`);
    const log = await createEventLog({ dataDir: dir, kafkaBrokers: brokers, partitions: 1, clientId: 'ytwatch-bench' });
    try {
      await log.ensureTopics(topicSpecs(nm, 1));
      return await benchLatency(log, nm, samples);
    } finally {
      await log.close();
    }
  });
}

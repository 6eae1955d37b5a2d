/**
 * Lists and deletes topics on the development broker, so tests and benchmarks leave nothing behind.
 * Every topic they make stays on disk until deleted, and a broker holding thousands of partitions
 * (tens of GB after many bench runs) takes minutes to start: long enough to fail the next test run.
 *
 *   node --import tsx scripts/kafka-topics.ts snapshot FILE PREFIX   names starting with PREFIX, into FILE
 *   node --import tsx scripts/kafka-topics.ts prune FILE PREFIX      deletes those not in FILE
 *
 * `npm test` (scripts/test.mjs) takes a snapshot of the test topics (`t-…`) before the tests and
 * prunes after them, so it deletes only topics its own run made. Both commands do nothing, and exit
 * 0, when no broker listens at `KAFKA_BROKERS` (default `127.0.0.1:9092`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { call, loadNative, type Callback, type ClientConfig } from '../src/engine/log/kafka/native.js';

const TIMEOUT_MS = 30_000;

/** The slice of the native admin client these helpers use (not part of the engine's contract). */
interface TopicAdmin {
  listTopics(options: { timeout: number }, cb: Callback<string[]>): void;
  deleteTopic(topic: string, timeoutMs: number, cb: Callback): void;
  disconnect(): void;
}

async function withAdmin<T>(brokers: string, use: (admin: TopicAdmin) => Promise<T>): Promise<T> {
  const native = await loadNative();
  const config: ClientConfig = { 'bootstrap.servers': brokers, 'client.id': 'ytwatch-topics', log_level: 3 };
  const admin = native.AdminClient.create(config) as unknown as TopicAdmin;
  try {
    return await use(admin);
  } finally {
    admin.disconnect();
  }
}

/** Topic names on the broker that start with `prefix`. */
export function listTopics(brokers: string, prefix = ''): Promise<string[]> {
  return withAdmin(brokers, async (admin) => {
    const all = await call<string[]>((cb) => admin.listTopics({ timeout: TIMEOUT_MS }, cb));
    return all.filter((t) => t.startsWith(prefix)).sort();
  });
}

/** Deletes `topics` (a few at a time); topics already gone are not an error. Returns how many it deleted. */
export function deleteTopics(brokers: string, topics: string[]): Promise<number> {
  return withAdmin(brokers, async (admin) => {
    let deleted = 0;
    const queue = [...topics];
    const worker = async () => {
      for (let topic = queue.shift(); topic !== undefined; topic = queue.shift()) {
        try {
          await call((cb) => admin.deleteTopic(topic!, TIMEOUT_MS, cb));
          deleted++;
        } catch (err) {
          if (!/UNKNOWN_TOPIC|does not exist/i.test(String((err as Error).message))) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return deleted;
  });
}

/** Deletes the topics that `match` and are not in `before` (a {@link listTopics} taken earlier); returns how many. */
export async function deleteMadeSince(brokers: string, before: ReadonlySet<string>, match: (topic: string) => boolean): Promise<number> {
  const made = (await listTopics(brokers)).filter((t) => match(t) && !before.has(t));
  return made.length === 0 ? 0 : deleteTopics(brokers, made);
}

/** Host and port of the first of `brokers` (`host:port[,host:port…]`); throws on another shape. */
export function firstBroker(brokers: string): { host: string; port: number } {
  const first = brokers.split(',')[0]!.trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(first);
  if (!m) throw new Error(`Kafka: KAFKA_BROKERS must be host:port[,host:port...], got ${JSON.stringify(brokers)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** True when something accepts TCP connections at `host:port`. */
export function accepts(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function main(argv: string[]): Promise<void> {
  const [command, file, prefix] = argv;
  if ((command !== 'snapshot' && command !== 'prune') || !file || !prefix) {
    throw new Error('usage: kafka-topics.ts snapshot|prune FILE PREFIX');
  }
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const { host, port } = firstBroker(brokers);
  const up = await accepts(host, port);
  if (command === 'snapshot') {
    writeFileSync(file, up ? (await listTopics(brokers, prefix)).join('\n') : '');
    return;
  }
  if (!up) return;
  const before = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  const deleted = await deleteMadeSince(brokers, before, (t) => t.startsWith(prefix));
  if (deleted > 0) process.stderr.write(`kafka-topics: deleted ${deleted} topics this run made (${prefix}…)\n`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`kafka-topics: ${(err as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  });
}

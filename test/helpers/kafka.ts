import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { accepts, firstBroker } from '../../scripts/kafka-topics.js';
import { runScript, shared, tail } from './service.js';

/** `scripts/kafka-up.sh`: starts the single-node KRaft broker from Apache Kafka's jars (cached). */
export const KAFKA_UP = resolve(import.meta.dirname, '../../scripts/kafka-up.sh');

/**
 * First run resolves ~55 MB of jars with Maven (about 25 s here) before the broker starts (about 3 s);
 * the script itself gives the broker 300 s. Generous, so a slow registry fails with the script's own
 * message rather than with this timeout.
 */
const UP_TIMEOUT_MS = 600_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Returns the bootstrap address of a running broker (`KAFKA_BROKERS`, default `127.0.0.1:9092`),
 * starting the local one with `scripts/kafka-up.sh` when nothing listens there, so `npm test`
 * provisions Kafka by itself. The broker is left running for later tests and runs
 * (`scripts/kafka-down.sh` stops it).
 *
 * Throws when the broker cannot be reached or started: Kafka tests must fail, never skip, in CI.
 * Concurrent callers in one process share one attempt; callers in parallel test processes are
 * serialised by the script's lock file.
 */
export const ensureKafka: () => Promise<string> = shared(() => provision());

async function provision(): Promise<string> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const { host, port } = firstBroker(brokers);
  if (await accepts(host, port)) return brokers;

  if (!LOOPBACK.has(host)) {
    throw new Error(`Kafka: nothing accepts connections at ${host}:${port} (KAFKA_BROKERS=${brokers}); ` +
      'start that broker, or unset KAFKA_BROKERS to use the local one from scripts/kafka-up.sh');
  }
  const env = { ...process.env, KAFKA_HOST: host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), KAFKA_PORT: String(port) };
  const { code, output } = await runScript(KAFKA_UP, env, UP_TIMEOUT_MS);
  if (code !== 0) {
    throw new Error(`Kafka: scripts/kafka-up.sh failed (${code}); it needs Java 17+ and, on its first run, ` +
      `Maven with access to Maven Central. Its output:\n${tail(output, 60)}`);
  }
  if (!(await accepts(host, port))) {
    throw new Error(`Kafka: scripts/kafka-up.sh succeeded but ${host}:${port} refuses connections. Its output:\n${tail(output, 20)}`);
  }
  return brokers;
}

/**
 * A fresh, valid prefix for one test's topics, group ids and transactional ids, so tests never see
 * each other's data on the shared broker: `t-<name>-<time><random>`, lower-case `[a-z0-9-]` only
 * (Kafka allows `[a-zA-Z0-9._-]`, and warns when `.` and `_` collide in metric names).
 */
export function uniquePrefix(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'test';
  return `t-${slug}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

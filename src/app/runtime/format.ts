/**
 * The deployment's topic names with their value format: JSON (default), or Avro
 * (`YTWATCH_FORMAT=avro`) with the schemas registered at start — in the registry at
 * `SCHEMA_REGISTRY_URL`, or, on the embedded log without one, in `schemas.json` in the data folder.
 */
import { join } from 'node:path';
import { ConfigError } from '../../engine/core/errors.js';
import { retry } from '../../engine/core/retry.js';
import type { SchemaRegistry } from '../../engine/avro/registry.js';
import { fileRegistry } from '../../engine/avro/local.js';
import { avroSerdes } from '../core/avro.js';
import { names as makeNames, type Names } from '../core/topics.js';
import type { Env } from '../config/schema.js';

export interface Formatted {
  names: Names;
  /** Releases the registry client. */
  close(): void;
}

/**
 * Names for `env`, with Avro serdes registered when asked for (a registry that cannot be reached is
 * retried a few times); throws a one-line error when a schema cannot be registered.
 */
export async function openNames(env: Env): Promise<Formatted> {
  const prefix = env.YTWATCH_TOPIC_PREFIX;
  if (env.YTWATCH_FORMAT !== 'avro') return { names: makeNames(prefix), close: () => {} };
  const registry = await openRegistry(env);
  const close = () => registry.close?.();
  const { serdes, all } = avroSerdes(registry, (t) => makeNames(prefix).topic(t));
  try {
    for (const s of all) await retry(() => s.register(), { attempts: 5, baseDelayMs: 500, maxDelayMs: 4000 });
  } catch (err) {
    close();
    throw err;
  }
  return { names: makeNames(prefix, serdes), close };
}

async function openRegistry(env: Env): Promise<SchemaRegistry> {
  if (env.SCHEMA_REGISTRY_URL) {
    if (!/^https?:\/\//.test(env.SCHEMA_REGISTRY_URL)) throw new ConfigError('SCHEMA_REGISTRY_URL must be an http(s) URL', 'set it like http://127.0.0.1:8081');
    // Loaded only when used: the client pulls in the KMS SDKs of its encryption rules.
    const { confluentRegistry } = await import('../../engine/avro/confluent.js');
    return confluentRegistry({ url: env.SCHEMA_REGISTRY_URL, user: env.SCHEMA_REGISTRY_USER, password: env.SCHEMA_REGISTRY_PASSWORD });
  }
  if (env.KAFKA_BROKERS) {
    throw new ConfigError('YTWATCH_FORMAT=avro on Kafka needs a schema registry', 'set SCHEMA_REGISTRY_URL (a Confluent-compatible registry), or YTWATCH_FORMAT=json');
  }
  return fileRegistry(join(env.YTWATCH_DATA_DIR, 'schemas.json'));
}

import { resolve } from 'node:path';
import { runScript, shared, tail } from './service.js';

/** `scripts/schema-registry-up.sh`: Apicurio Registry from Maven Central (cached), started detached. */
export const REGISTRY_UP = resolve(import.meta.dirname, '../../scripts/schema-registry-up.sh');

/** First run fetches ~160 MB with Maven (about 15 s here); a start takes 3–10 s on a busy machine. */
const UP_TIMEOUT_MS = 600_000;

/**
 * The URL of a Confluent-compatible schema registry: `SCHEMA_REGISTRY_URL` when set, else the local
 * one on `127.0.0.1:${SR_PORT:-8081}`, started by `scripts/schema-registry-up.sh` when it does not
 * answer, so `npm test` provisions it by itself. It is left running for later tests; its storage is
 * in memory, so tests use unique topic prefixes (hence subjects).
 *
 * Throws when it cannot be reached or started (no Java 21+, no Maven access): Avro tests fail, never skip.
 */
export const ensureRegistry: () => Promise<string> = shared(() => provision());

async function provision(): Promise<string> {
  const given = process.env.SCHEMA_REGISTRY_URL;
  if (given) {
    if (await answers(given)) return given;
    throw new Error(`schema registry: ${given} does not answer GET /subjects (SCHEMA_REGISTRY_URL); start it, or unset it to use the local one`);
  }
  const url = `http://127.0.0.1:${process.env.SR_PORT ?? '8081'}/apis/ccompat/v7`;
  if (await answers(url)) return url;
  const { code, output } = await runScript(REGISTRY_UP, process.env, UP_TIMEOUT_MS);
  if (code !== 0) {
    throw new Error(`schema registry: scripts/schema-registry-up.sh failed (${code}); it needs a Java 21+ (SR_JAVA) and, ` +
      `on its first run, Maven with access to Maven Central. Its output:\n${tail(output, 40)}`);
  }
  if (!(await answers(url))) throw new Error(`schema registry: the script succeeded but ${url} does not answer`);
  return url;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

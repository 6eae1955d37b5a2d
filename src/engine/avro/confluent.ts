/** A Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Redpanda) over HTTP. */
import { Compatibility, RestError, SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { IncompatibleSchemaError, RegistryError, type SchemaRegistry } from './registry.js';

export interface ConfluentRegistryOptions {
  url: string;
  /** Basic auth; never logged. */
  user?: string;
  password?: string;
}

/** The registry at `url`, through the official client (its own retries: 2, on 429 and 5xx). */
export function confluentRegistry(options: ConfluentRegistryOptions): SchemaRegistry {
  const client = new SchemaRegistryClient({
    baseURLs: [options.url],
    cacheCapacity: 1000,
    maxRetries: 2,
    retriesWaitMs: 200,
    retriesMaxWaitMs: 2000,
    createAxiosDefaults: { timeout: 10_000 },
    ...(options.user !== undefined
      ? { basicAuthCredentials: { credentialsSource: 'USER_INFO' as const, userInfo: `${options.user}:${options.password ?? ''}` } }
      : {}),
  });
  const where = redact(options.url);
  return {
    where,
    async register(subject, schema) {
      const info = { schemaType: 'AVRO', schema };
      try {
        await client.updateCompatibility(subject, Compatibility.BACKWARD);
        return await client.register(subject, info);
      } catch (err) {
        if (err instanceof RestError && err.status === 409) throw new IncompatibleSchemaError(subject, err.message.split('\n')[0]!);
        throw classify(err, `registering ${subject} at ${where}`);
      }
    },
    async schemaById(id, subject) {
      try {
        return (await client.getBySubjectAndId(subject, id)).schema;
      } catch (err) {
        throw classify(err, `schema id ${id} at ${where}`);
      }
    },
    close: () => client.close(),
  };
}

function classify(err: unknown, what: string): RegistryError {
  if (err instanceof RestError) {
    const unknown = err.status === 404;
    return new RegistryError(`${unknown ? 'unknown' : 'registry error for'} ${what}: ${err.status} ${err.message.split('\n')[0]}`, unknown, err.status >= 500 || err.status === 429, err);
  }
  const code = (err as { code?: string }).code;
  return new RegistryError(`schema registry unreachable (${what}): ${code ?? (err as Error).message}`, false, true, err);
}

/** The URL without user info, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid SCHEMA_REGISTRY_URL)';
  }
}

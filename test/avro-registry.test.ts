/**
 * The Avro serde against a real Confluent-compatible registry (Apicurio, started by the helper):
 * a schema upgrade keeps old records readable, an incompatible version is refused at register, and
 * an unknown id or an unreachable registry is a named reason (dead-lettered), not a crash.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { z } from 'zod';
import { avroSchema } from '../src/engine/avro/schema.js';
import { avroSerde } from '../src/engine/avro/serde.js';
import { confluentRegistry } from '../src/engine/avro/confluent.js';
import { IncompatibleSchemaError } from '../src/engine/avro/registry.js';
import { ensureRegistry } from './helpers/schema-registry.js';
import { uniquePrefix } from './helpers/kafka.js';

const V1 = z.object({ v: z.literal(1), videoId: z.string(), views: z.number().int().nullable() });
const V2 = V1.extend({ note: z.string().nullable().describe('added in version 2') });

describe('Avro serde with a schema registry', () => {
  let url: string;
  before(async () => {
    url = await ensureRegistry();
  });
  const serde = (schema: z.ZodTypeAny, subject: string, registryUrl = url) =>
    avroSerde<never>({ registry: confluentRegistry({ url: registryUrl }), subject, schema: avroSchema(schema, 'Rec', { namespace: 'io.ytwatch.test' }), attempts: 2 });

  it('upgrade: version 2 registers BACKWARD, and records written with version 1 still decode (by their writer id)', async () => {
    const subject = `${uniquePrefix('upgrade')}-value`;
    const old = serde(V1, subject);
    const id1 = await old.register();
    const oldBytes = Buffer.from(old.serialize({ v: 1, videoId: 'abc', views: null } as never));
    assert.equal(oldBytes.readUInt32BE(1), id1);
    const upgraded = serde(V2, subject);
    const id2 = await upgraded.register();
    assert.notEqual(id2, id1);
    await upgraded.prepare([oldBytes]);
    assert.deepEqual({ ...(upgraded.deserialize(oldBytes) as object) }, { v: 1, videoId: 'abc', views: null, note: null });
    const newBytes = upgraded.serialize({ v: 1, videoId: 'abc', views: 3, note: 'x' } as never);
    assert.deepEqual({ ...(upgraded.deserialize(newBytes) as object) }, { v: 1, videoId: 'abc', views: 3, note: 'x' });
    const versions = (await (await fetch(`${url}/subjects/${subject}/versions`)).json()) as number[];
    assert.deepEqual(versions, [1, 2]);
    assert.equal(((await (await fetch(`${url}/config/${subject}`)).json()) as { compatibilityLevel: string }).compatibilityLevel, 'BACKWARD');
  });

  it('an incompatible version (a new field without default) fails at register with one line', async () => {
    const subject = `${uniquePrefix('incompatible')}-value`;
    await serde(V1, subject).register();
    await assert.rejects(serde(V1.extend({ owner: z.string() }), subject).register(), (err: unknown) => {
      assert.ok(err instanceof IncompatibleSchemaError, String(err));
      assert.match(err.message, new RegExp(`^the record schema of ${subject} is not BACKWARD compatible with its registered version`));
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });

  it('an unknown id and an unreachable registry give a reason, not a throw', async () => {
    const s = serde(V1, `${uniquePrefix('unknown')}-value`);
    await s.register();
    const unknown = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2]);
    await s.prepare([unknown]);
    assert.throws(() => s.deserialize(unknown), /^Error: writer schema id 2147483632: unknown schema id 2147483632/);
    const down = serde(V1, 'down-value', 'http://127.0.0.1:1');
    const bytes = Buffer.from([0, 0, 0, 0, 1, 2]);
    await down.prepare([bytes]);
    assert.throws(() => down.deserialize(bytes), /writer schema id 1: schema registry unreachable .*ECONNREFUSED/);
  });
});

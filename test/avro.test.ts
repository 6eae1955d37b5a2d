/**
 * Avro serdes without a registry server: schemas derived from the zod records, the Confluent wire
 * format, writer-schema resolution, poison values named, incompatible versions refused (the
 * registry-file backend the embedded log uses; `test/avro-registry.test.ts` runs a real registry).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import avro from 'avsc';
import { z } from 'zod';
import { avroSchema } from '../src/engine/avro/schema.js';
import { avroSerde } from '../src/engine/avro/serde.js';
import { fileRegistry } from '../src/engine/avro/local.js';
import { IncompatibleSchemaError } from '../src/engine/avro/registry.js';
import { avroSerdes, topicAvroSchema } from '../src/app/core/avro.js';
import { names } from '../src/app/core/topics.js';
import type { Alert, VideoChange, VideoSnapshot, VideoUnavailable } from '../src/app/core/events.js';

const dir = mkdtempSync(join(tmpdir(), 'ytwatch-avro-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const snap: VideoSnapshot = { v: 1, type: 'snapshot', videoId: 'aaaaaaaaaaa', title: 'é ✓', channelId: 'UCx', channelTitle: null, publishedAt: '2024-01-01T00:00:00Z', views: 1_700_000_000_000, likes: null, comments: 3, fetchedAt: 1_764_550_000_123, pollId: 'p1' };
const gone: VideoUnavailable = { v: 1, type: 'unavailable', videoId: 'bbbbbbbbbbb', fetchedAt: 5, pollId: 'p2' };
const change: VideoChange = { v: 1, videoId: 'aaaaaaaaaaa', title: 't', at: 7, views_previous: 1, views_current: 2, likes_previous: null, likes_current: null, comments_previous: 0, comments_current: 0, unavailable: false };
const alert: Alert = { v: 1, id: 'i', videoId: 'aaaaaaaaaaa', title: 't', kind: 'change', metric: 'likes', previous: 1, current: 2, rules: ['any', 'every:200'], at: 1 };

async function avroNames(file: string) {
  const { serdes, all } = avroSerdes(fileRegistry(file), (t) => names('p-').topic(t));
  for (const s of all) await s.register();
  return names('p-', serdes);
}

describe('Avro schemas from the zod records', () => {
  it('maps every field: epoch-ms times and counts as long, hidden counts as a null union, enums, the video union', () => {
    const videos = topicAvroSchema('videos') as { name: string; fields: Array<{ name: string; type: unknown; default?: unknown }> };
    assert.equal(videos.name, 'VideoEvent', 'one record for both kinds (ksqlDB wants a record at the top)');
    const f = Object.fromEntries(videos.fields.map((x) => [x.name, x]));
    assert.deepEqual(videos.fields.map((x) => x.name), ['v', 'type', 'videoId', 'title', 'channelId', 'channelTitle', 'publishedAt', 'views', 'likes', 'comments', 'fetchedAt', 'pollId', 'discoveredBy', 'targets', 'operator']);
    assert.deepEqual(f.discoveredBy!.default, null, 'optional in zod: absent is null in Avro');
    assert.deepEqual(f.fetchedAt!.type, 'long');
    assert.deepEqual(f.v!.type, 'int');
    assert.deepEqual(f.likes, { name: 'likes', type: ['null', 'long'], default: null });
    assert.deepEqual(f.title, { name: 'title', type: ['null', 'string'], default: null }, 'null on unavailable records');
    const outbox = topicAvroSchema('outbox') as { fields: Array<{ name: string; type: unknown }> };
    assert.deepEqual(outbox.fields.find((x) => x.name === 'metric')!.type, ['null', { type: 'enum', name: 'AlertMetric', namespace: 'io.ytwatch', symbols: ['views', 'likes', 'comments'] }]);
    for (const t of ['videos', 'changes', 'outbox'] as const) assert.ok(avro.Type.forSchema(topicAvroSchema(t) as avro.Schema));
  });

  it('refuses a zod type it has no mapping for', () => {
    assert.throws(() => avroSchema(z.object({ d: z.date() }), 'X', { namespace: 'n' }), /no Avro mapping for ZodDate in XD/);
  });
});

describe('Avro serde (registry file)', () => {
  it('writes the Confluent wire format and reads back every record type', async () => {
    const n = await avroNames(join(dir, 'a.json'));
    const found = { ...snap, discoveredBy: 'feed' };
    const cases: Array<[Parameters<typeof n.of>[0], unknown]> = [['videos', snap], ['videos', found], ['videos', gone], ['changes', change], ['outbox', alert], ['outbox', { ...alert, kind: 'new' }],
      ['videos', { ...snap, targets: ['playlist:PLx', 'video:aaaaaaaaaaa'], operator: true }], ['videos', { ...gone, targets: [] }],
      ['outbox', { ...alert, id: 'i/s1', recipient: { kind: 'telegram', chatId: '42' } }], ['outbox', { ...alert, id: 'i/s2', recipient: { kind: 'webhook' } }]];
    for (const [topic, value] of cases) {
      const t = n.of(topic);
      const bytes = t.record(value as never).value as Buffer;
      assert.equal(bytes[0], 0, 'magic byte');
      assert.ok(bytes.readUInt32BE(1) >= 1, 'schema id');
      await t.prepare([bytes]);
      assert.deepEqual(t.parse(bytes), { ok: true, value });
    }
    assert.ok((n.of('videos').record(snap).value as Buffer).length < Buffer.byteLength(JSON.stringify(snap)) / 2);
  });

  it('names why a value is poison: no magic byte, unknown schema id', async () => {
    const n = await avroNames(join(dir, 'b.json'));
    const t = n.of('outbox');
    const json = Buffer.from(JSON.stringify(alert));
    await t.prepare([json]);
    assert.deepEqual(t.parse(json), { ok: false, reason: 'not Avro: no magic byte 0 (not the Confluent wire format; first byte 0x7b)' });
    const unknown = Buffer.from([0, 0, 0, 0, 99, 2]);
    await t.prepare([unknown]);
    assert.match((t.parse(unknown) as { reason: string }).reason, /^not Avro: writer schema id 99: unknown schema id 99 in /);
  });

  it('reads records of an older version after a compatible upgrade; refuses an incompatible one at register', async () => {
    const file = join(dir, 'c.json');
    const V1 = z.object({ v: z.literal(1), videoId: z.string(), views: z.number().int() });
    const old = avroSerde<z.infer<typeof V1>>({ registry: fileRegistry(file), subject: 's-value', schema: avroSchema(V1, 'R', { namespace: 'n' }) });
    await old.register();
    const oldBytes = old.serialize({ v: 1, videoId: 'x', views: 3 });
    const V2 = V1.extend({ note: z.string().nullable() });
    const upgraded = avroSerde({ registry: fileRegistry(file), subject: 's-value', schema: avroSchema(V2, 'R', { namespace: 'n' }) });
    const id2 = await upgraded.register();
    assert.equal(id2, 2);
    await upgraded.prepare([oldBytes]);
    assert.deepEqual({ ...(upgraded.deserialize(oldBytes) as object) }, { v: 1, videoId: 'x', views: 3, note: null });
    const broken = avroSerde({ registry: fileRegistry(file), subject: 's-value', schema: avroSchema(V1.extend({ owner: z.string() }), 'R', { namespace: 'n' }) });
    await assert.rejects(broken.register(), (err: unknown) => err instanceof IncompatibleSchemaError && /s-value is not BACKWARD compatible/.test((err as Error).message));
  });
});

/** The topic catalogue: one definition per record, JSON byte for byte as `JSON.stringify` writes it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VideoEvent, type Alert, type VideoChange, type VideoSnapshot, type VideoState } from '../src/app/core/events.js';
import { fastVideoEvent } from '../src/app/core/fast-events.js';
import { assertFastAgrees } from './helpers/fast-check.js';
import { CATALOGUE, names } from '../src/app/core/topics.js';
import { compiledJsonSerde } from '../src/engine/core/serde.js';
import { toBytes } from '../src/engine/core/bytes.js';

const snap: VideoSnapshot = { v: 1, type: 'snapshot', videoId: 'aaaaaaaaaaa', title: 'é ✓', channelId: null, channelTitle: null, publishedAt: null, views: 1, likes: null, comments: 3, fetchedAt: 5, pollId: '5' };

describe('topic catalogue', () => {
  it('writes records as JSON.stringify does, keyed by the definition, under the prefixed name', () => {
    const n = names('p-');
    const r = n.of('videos').record(snap);
    assert.equal(r.topic, 'p-youtube_videos');
    assert.equal(r.key, 'aaaaaaaaaaa');
    assert.deepEqual(toBytes(r.value!), Buffer.from(JSON.stringify(snap), 'utf8'));
    const ledger = n.of('notifySent').record(1, { key: 'console:x' });
    assert.deepEqual([ledger.key, toBytes(ledger.value!).toString()], ['console:x', '1']);
  });

  it('parses what it wrote and names why a value is poison', () => {
    const t = names().of('outbox');
    const alert: Alert = { v: 1, id: 'i', videoId: 'aaaaaaaaaaa', title: 't', kind: 'change', metric: 'likes', previous: 1, current: 2, rules: ['any'], at: 1 };
    assert.deepEqual(t.parse(toBytes(t.record(alert).value!)), { ok: true, value: alert });
    assert.match((t.parse(Buffer.from('{nope')) as { reason: string }).reason, /^not JSON: /);
    assert.match((t.parse(Buffer.from(JSON.stringify({ ...alert, metric: 'dislikes' }))) as { reason: string }).reason, /^invalid: metric: /);
    assert.deepEqual(t.parse(null), { ok: false, reason: 'empty value (tombstone) on a data topic' });
  });

  it('carries the new-video records: a snapshot with discoveredBy, an alert of kind new', () => {
    const videos = names().of('videos');
    const found: VideoSnapshot = { ...snap, discoveredBy: 'push' };
    assert.deepEqual(videos.parse(toBytes(videos.record(found).value!)), { ok: true, value: found });
    assert.match((videos.parse(Buffer.from(JSON.stringify({ ...snap, discoveredBy: 'rumour' }))) as { reason: string }).reason, /^invalid: discoveredBy: /);
    const outbox = names().of('outbox');
    const alert: Alert = { v: 1, id: 'i', videoId: 'aaaaaaaaaaa', title: 't', kind: 'new', metric: null, previous: null, current: null, rules: ['new:feed'], at: 1 };
    assert.deepEqual(outbox.parse(toBytes(outbox.record(alert).value!)), { ok: true, value: alert });
  });

  it('creates every topic, the state co-partitioned with its input and the ledger on one partition', () => {
    const specs = names().specs(6);
    assert.equal(specs.length, Object.keys(CATALOGUE).length);
    assert.deepEqual(specs.find((s) => s.name === 'ytwatch_detect_state'), { name: 'ytwatch_detect_state', partitions: 6, compacted: true });
    assert.deepEqual(specs.find((s) => s.name === 'ytwatch_notify_sent'), { name: 'ytwatch_notify_sent', partitions: 1, compacted: true });
    assert.deepEqual(specs.find((s) => s.name === 'youtube_videos'), { name: 'youtube_videos', partitions: 6, compacted: false });
  });

  it('the fast VideoEvent check accepts only what the schema accepts, and returns what it returns', () => {
    const gone = { v: 1, type: 'unavailable', videoId: 'aaaaaaaaaaa', fetchedAt: 5, pollId: '5' };
    const cases: unknown[] = [
      snap, gone, { ...snap, views: null, channelId: 'c', channelTitle: 'ct', publishedAt: '2020' }, { ...snap, title: '' },
      { ...snap, targets: ['playlist:PLx', 'video:aaaaaaaaaaa'], operator: true }, { ...snap, targets: [] }, { ...gone, targets: ['channel:@x'], operator: true },
      Object.fromEntries(Object.entries(snap).reverse()),
      { ...snap, extra: 1 }, { ...snap, targets: 'playlist:PLx' }, { ...snap, targets: [1] }, { ...snap, operator: false }, { ...gone, operator: 1 }, { ...gone, title: 't' }, { ...snap, views: -1 }, { ...snap, likes: 1.5 }, { ...snap, comments: '3' },
      { ...snap, videoId: '' }, { ...snap, v: 2 }, { ...snap, type: 'other' }, { ...snap, fetchedAt: 1.5 }, { ...snap, pollId: 5 },
      { ...snap, channelId: 1 }, { ...snap, title: null }, { ...gone, videoId: 1 }, JSON.parse('{"__proto__": 1, "v": 1}'),
      Object.fromEntries(Object.entries(snap).filter(([k]) => k !== 'likes')), null, [], 'x', 1,
    ];
    assertFastAgrees(fastVideoEvent, VideoEvent, cases, 8);
  });

  it('writes the compiled topics (changes, outbox, detect state) byte for byte as JSON.stringify does', () => {
    const n = names();
    const text = fc.string({ unit: 'binary' });
    const count = fc.option(fc.nat(), { nil: null });
    const num = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
    const at = fc.nat();
    const change: fc.Arbitrary<VideoChange> = fc.record({
      v: fc.constant(1 as const), videoId: text, title: text, at,
      views_previous: count, views_current: count, likes_previous: count, likes_current: count, comments_previous: count, comments_current: count,
      unavailable: fc.boolean(),
    });
    const recipient = fc.oneof(
      fc.record({ kind: fc.constant('telegram' as const), chatId: fc.constantFrom('-100123', '42', '@some_channel') }),
      fc.record({ kind: fc.constantFrom('webhook' as const, 'console' as const) }),
    );
    const alert: fc.Arbitrary<Alert> = fc.record(
      {
        v: fc.constant(1 as const), id: text, videoId: text, title: text, kind: fc.constantFrom('change' as const, 'unavailable' as const, 'new' as const),
        metric: fc.constantFrom('views' as const, 'likes' as const, 'comments' as const, null), previous: num, current: num, rules: fc.array(text), at, recipient,
      },
      { requiredKeys: ['v', 'id', 'videoId', 'title', 'kind', 'metric', 'previous', 'current', 'rules', 'at'] },
    );
    const state: fc.Arbitrary<VideoState> = fc.record({ title: text, views: count, likes: count, comments: count, available: fc.boolean(), at });
    const same = <T>(topic: { record(v: T): { value: Uint8Array | string | null } }) => (v: T) => {
      assert.equal(toBytes(topic.record(v).value!).toString('latin1'), Buffer.from(JSON.stringify(v), 'utf8').toString('latin1'));
    };
    fc.assert(fc.property(change, same(n.of('changes'))), { numRuns: 500 });
    fc.assert(fc.property(alert, same(n.of('outbox'))), { numRuns: 500 });
    fc.assert(fc.property(state, same(n.of('detectState'))), { numRuns: 500 });
    // A value the compiled code cannot write is written by JSON.stringify, not refused.
    const odd = { title: 't', views: Number.NaN, likes: 1, comments: 1, available: true, at: 1 };
    assert.equal(toBytes(n.of('detectState').record(odd).value!).toString(), JSON.stringify(odd));
  });

  it('never rounds an integer field, even one in a property called type', () => {
    const serde = compiledJsonSerde<unknown>(() => ({ type: 'object', properties: { type: { type: 'integer' }, n: { type: ['integer', 'null'] } } }));
    assert.equal(Buffer.from(serde.serialize({ type: 1.5, n: 2.5 })).toString(), '{"type":1.5,"n":2.5}');
  });
});

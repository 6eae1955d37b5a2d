/**
 * An outside client in Avro: Python's `confluent-kafka[avro]` (installed from PyPI into a throwaway
 * venv, versions pinned in test/python/requirements.txt) reads every record ytwatch wrote to its
 * three data topics and checks it against the documented format; and records a Python producer
 * registers and writes on `youtube_videos` are processed by ytwatch's detect and notify.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { RECORD_DOCS, fieldDocs } from '../src/app/core/format-doc.js';
import { topicAvroSchema } from '../src/app/core/avro.js';
import { fakesEnv, runCli, scratch } from './helpers/cli.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';
import { ensureRegistry } from './helpers/schema-registry.js';
import { assertAllAvro } from './helpers/avro.js';

const PY = resolve(import.meta.dirname, 'python');

function sh(cmd: string, args: string[], timeout = 120_000): Promise<string> {
  return new Promise((done, fail) =>
    execFile(cmd, args, { timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-3000)}`)) : done(stdout)),
  );
}

/** The documented format as the Python reader checks it: per topic, its record kinds and fields. */
function formatSpec(): Record<string, unknown[]> {
  const spec: Record<string, unknown[]> = {};
  for (const doc of RECORD_DOCS) {
    (spec[doc.topic] ??= []).push({ record: doc.record, avroNulls: doc.record === 'unavailable', fields: fieldDocs(doc).map(({ field, type, nullable, optional }) => ({ field, type, nullable: nullable || optional })) });
  }
  return spec;
}

describe('an outside Python client reads and writes ytwatch topics in Avro', () => {
  const work = mkdtempSync(join(tmpdir(), 'ytwatch-py-'));
  const python = join(work, 'venv', 'bin', 'python');
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  let s: ReturnType<typeof scratch>;
  let env: Record<string, string>;

  before(async () => {
    const [brokers, registry] = await Promise.all([ensureKafka(), ensureRegistry()]);
    await sh('python3', ['-m', 'venv', join(work, 'venv')]);
    await sh(join(work, 'venv', 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', '-r', join(PY, 'requirements.txt')]);
    yt = await FakeYouTube.start();
    tg = await FakeTelegram.start({ chats: [42] });
    s = scratch();
    s.writeConfig({ notify: { paceMs: 0 } });
    env = { ...fakesEnv(yt, tg, s.dataDir), KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry, YTWATCH_FORMAT: 'avro', YTWATCH_TOPIC_PREFIX: uniquePrefix('python') };
  });
  after(async () => {
    await yt?.close();
    await tg?.close();
    s?.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('decodes 100% of what two polls wrote (snapshots, an unavailable video, hidden counts, changes, alerts) and finds it as documented', async () => {
    const videos = yt.addVideos(12);
    yt.addPlaylist('PLpython', videos.map((v) => v.id));
    const run = () => runCli(['run', '--playlist', 'PLpython', '--once'], env, s.dir);
    assert.equal((await run()).code, 0);
    videos[0]!.likes! += 5;
    videos[1]!.likes = null;
    videos[2]!.views += 400;
    yt.videos.delete(videos[3]!.id);
    const second = await run();
    assert.equal(second.code, 0, second.stderr);
    const written = await assertAllAvro(env);
    const specFile = join(work, 'format.json');
    writeFileSync(specFile, JSON.stringify(formatSpec()));
    const out = JSON.parse(await sh(python, [join(PY, 'read_topics.py'), env.KAFKA_BROKERS!, env.SCHEMA_REGISTRY_URL!, specFile, env.YTWATCH_TOPIC_PREFIX!], 300_000)) as { counts: Record<string, number>; errors: string[] };
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.counts, written, 'the Python reader decoded every record');
    assert.equal(out.counts[`${env.YTWATCH_TOPIC_PREFIX}youtube_videos`], 24);
  });

  it("records a Python producer writes on youtube_videos are processed by ytwatch's detect and notify", async () => {
    const schemaFile = join(work, 'videos.avsc');
    writeFileSync(schemaFile, JSON.stringify(topicAvroSchema('videos')));
    const snap = (likes: number, fetchedAt: number) => ({ v: 1, type: 'snapshot', videoId: 'pyVideo0001', title: 'From Python', channelId: null, channelTitle: null, publishedAt: null, views: 100, likes, comments: 1, fetchedAt, pollId: `py${fetchedAt}` });
    const records = [snap(10, 1_764_550_000_000), snap(17, 1_764_550_060_000)];
    const topic = `${env.YTWATCH_TOPIC_PREFIX}youtube_videos`;
    const out = JSON.parse(await sh(python, [join(PY, 'produce_videos.py'), env.KAFKA_BROKERS!, env.SCHEMA_REGISTRY_URL!, schemaFile, topic, JSON.stringify(records)])) as { produced: number };
    assert.equal(out.produced, 2);
    const before = tg.messages.length;
    for (const stage of ['detect', 'notify']) {
      const res = await runCli([stage, '--once'], env, s.dir);
      assert.equal(res.code, 0, res.stderr);
    }
    assert.equal(tg.messages.length, before + 1, 'one alert message');
    assert.match(tg.messages.at(-1)!.parsedText, /Likes changed: 10 → 17 \(\+7\)\nFrom Python/);
  });
});

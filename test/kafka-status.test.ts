/**
 * `ytwatch status` and `ytwatch dlq` on Apache Kafka: the status record and the dead-letter marks
 * live in the log, so they work for workers on other machines too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { fakesEnv, runCli, scratch } from './helpers/cli.js';
import { ensureKafka, uniquePrefix } from './helpers/kafka.js';

describe('status and dlq on Kafka', () => {
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  let s: ReturnType<typeof scratch>;
  let env: Record<string, string>;

  before(async () => {
    const brokers = await ensureKafka();
    yt = await FakeYouTube.start();
    tg = await FakeTelegram.start({ chats: [42] });
    yt.addPlaylist('PLkafkastatus', yt.addVideos(2).map((v) => v.id));
    s = scratch();
    s.writeConfig({ notify: { paceMs: 0 } });
    env = { ...fakesEnv(yt, tg, s.dataDir), KAFKA_BROKERS: brokers, YTWATCH_TOPIC_PREFIX: uniquePrefix('status') };
  }, { timeout: 180_000 });
  after(async () => {
    await yt?.close();
    await tg?.close();
    s?.cleanup();
  });

  it('status shows the poll, the failing sink and the dead letter; replay re-queues it once', { timeout: 180_000 }, async () => {
    const broken = { ...env, TELEGRAM_CHAT_ID: '99' };
    assert.equal((await runCli(['run', '--playlist', 'PLkafkastatus', '--once'], broken, s.dir, 120_000)).code, 0);
    yt.videos.get('vid00000001')!.likes! += 1;
    assert.equal((await runCli(['run', '--playlist', 'PLkafkastatus', '--once'], broken, s.dir, 120_000)).code, 1);

    const res = await runCli(['status', '--json'], env, s.dir, 120_000);
    assert.equal(res.code, 2, res.stderr);
    const view = JSON.parse(res.stdout);
    assert.equal(view.health.status, 'degraded');
    assert.equal(view.poll.videos, 2);
    assert.equal(view.quota.unitsToday, 4);
    assert.match(view.sinks[0].lastFailure, /chat not found/);
    assert.equal(view.deadLetters.waiting, 1);
    assert.ok(view.lag.find((l: { stage: string }) => l.stage === 'notify').lag <= 1, 'notify caught up (a transaction marker may remain)');

    const listed = JSON.parse((await runCli(['dlq', 'list', '--json'], env, s.dir, 120_000)).stdout);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].target, 'chat 99');
    const replay = await runCli(['dlq', 'replay'], env, s.dir, 120_000);
    assert.match(replay.stdout, /^re-queued 1 dead letter/);
    assert.match((await runCli(['dlq', 'replay'], env, s.dir, 120_000)).stdout, /^re-queued 0 dead letter/, 'once');
    const fixed = await runCli(['run', '--playlist', 'PLkafkastatus', '--once'], env, s.dir, 120_000);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(tg.messages.length, 1);
    const healthy = JSON.parse((await runCli(['status', '--json'], env, s.dir, 120_000)).stdout);
    assert.equal(healthy.health.status, 'ok', JSON.stringify(healthy.health));
  });
});

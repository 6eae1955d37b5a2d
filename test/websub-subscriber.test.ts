/** The WebSub subscriber on its own: a fake clock and a recording `fetch` stand in for the hub. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { atomEntry, atomFeed } from '../src/app/fakes/feeds.js';
import { channelTopic, WebSubSubscriber } from '../src/app/youtube/websub.js';

const CH = 'UCsubscriberTest00000001';

function setup(status = 202) {
  let now = 1_000_000;
  const forms: URLSearchParams[] = [];
  const fetch = (async (_url: string, init: { body: URLSearchParams }) => {
    forms.push(new URLSearchParams(init.body));
    return new Response('', { status });
  }) as unknown as typeof globalThis.fetch;
  const sub = new WebSubSubscriber({ hubUrl: 'http://hub/subscribe', callbackUrl: 'https://me.example/websub/', leaseSeconds: 1000, clock: () => now, fetch });
  sub.watch([CH]);
  return { sub, forms, advance: (ms: number) => (now += ms), now: () => now };
}

const verifyQuery = (form: URLSearchParams, lease = '1000') => ({ 'hub.mode': 'subscribe', 'hub.topic': form.get('hub.topic'), 'hub.challenge': 'c1', 'hub.lease_seconds': lease });

describe('WebSubSubscriber', () => {
  it('subscribes with topic, callback, lease and a secret, and renews at 80% of the granted lease', async () => {
    const { sub, forms, advance } = setup();
    await sub.renewDue();
    assert.equal(forms.length, 1);
    const f = forms[0]!;
    assert.equal(f.get('hub.mode'), 'subscribe');
    assert.equal(f.get('hub.topic'), channelTopic(CH));
    assert.equal(f.get('hub.callback'), `https://me.example/websub/${CH}`);
    assert.equal(f.get('hub.lease_seconds'), '1000');
    assert.match(f.get('hub.secret') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(sub.verify(CH, verifyQuery(f, '500')), 'c1');
    assert.equal(sub.msUntilDue(), 400_000, '80% of the 500 s the hub granted');
    advance(399_000);
    await sub.renewDue();
    assert.equal(forms.length, 1);
    advance(1000);
    await sub.renewDue();
    assert.equal(forms.length, 2, 'renewed before expiry');
    assert.equal(forms[1]!.get('hub.secret'), f.get('hub.secret'), 'same secret on renewal');
  });

  it('echoes only for its own topics and mode', () => {
    const { sub } = setup();
    assert.equal(sub.verify(CH, { 'hub.mode': 'subscribe', 'hub.topic': channelTopic('UCother'), 'hub.challenge': 'x' }), undefined);
    assert.equal(sub.verify(CH, { 'hub.mode': 'unsubscribe', 'hub.topic': channelTopic(CH), 'hub.challenge': 'x' }), undefined);
    assert.equal(sub.verify('UCother', { 'hub.mode': 'subscribe', 'hub.topic': channelTopic('UCother'), 'hub.challenge': 'x' }), undefined);
  });

  it('backs off when the hub refuses', async () => {
    const { sub, forms } = setup(500);
    const errors: unknown[] = [];
    await sub.renewDue(undefined, (_ch, err) => errors.push(err));
    assert.equal(errors.length, 1);
    assert.equal(sub.msUntilDue(), 2000);
    await sub.renewDue();
    assert.equal(forms.length, 1, 'not again before the back-off');
  });

  it('accepts only bodies signed with the subscription secret, once', async () => {
    const { sub, forms } = setup();
    await sub.renewDue();
    const body = Buffer.from(atomFeed({ self: channelTopic(CH), entries: [atomEntry({ id: 'abcdefghijk', title: 'T', channelId: CH })] }));
    assert.deepEqual(sub.accept(CH, 'sha1=' + '0'.repeat(40), body), { rejected: 'unknown-topic' }, 'not verified yet');
    sub.verify(CH, verifyQuery(forms[0]!));
    const sign = (b: Buffer, secret = forms[0]!.get('hub.secret')!) => `sha1=${createHmac('sha1', secret).update(b).digest('hex')}`;
    assert.deepEqual(sub.accept(CH, undefined, body), { rejected: 'unsigned' });
    assert.deepEqual(sub.accept(CH, sign(body, 'guess'), body), { rejected: 'bad-signature' });
    assert.deepEqual(sub.accept(CH, 'sha1=abc', body), { rejected: 'bad-signature' });
    const ok = sub.accept(CH, sign(body), body);
    assert.ok('notification' in ok);
    assert.deepEqual(ok.notification.entries.map((e) => e.videoId), ['abcdefghijk']);
    assert.deepEqual(sub.accept(CH, sign(body), body), { rejected: 'replay' });
    const bad = Buffer.from('<feed><entry>');
    assert.deepEqual(sub.accept(CH, sign(bad), bad), { rejected: 'malformed' });
    const other = Buffer.from(atomFeed({ self: channelTopic('UCanother'), entries: [] }));
    assert.deepEqual(sub.accept(CH, sign(other), other), { rejected: 'unknown-topic' });
  });
});

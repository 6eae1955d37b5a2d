/** Subscriptions on the embedded log (the case body is shared with `test/kafka-subscriptions.test.ts`). */
import { subscriptionsSuite } from './cases/subscriptions.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routesOf } from '../src/app/stages/detect.js';
import type { Subscription, VideoSnapshot } from '../src/app/core/events.js';
import { DEFAULT_RULES } from '../src/app/stages/rules.js';

subscriptionsSuite('embedded');


describe('routing of one record', () => {
  const snap = (at: number, extra: Partial<VideoSnapshot> = {}): VideoSnapshot => ({ v: 1, type: 'snapshot', videoId: 'vid00000001', title: 't', channelId: null, channelTitle: null, publishedAt: null, views: 1, likes: 1, comments: 1, fetchedAt: at, pollId: 'p', ...extra });
  const sub = (id: string, chatId: string, target: string, mutedUntil: number | null = null): Subscription => ({ v: 1, id, recipient: { kind: 'telegram', chatId }, target, mutedUntil, createdAt: 0 });

  it('a muted subscription gets nothing until mutedUntil, then its alerts again', () => {
    const subs = [sub('s-a', '7', 'playlist:PLx', 2000), sub('s-b', '8', 'playlist:PLx')];
    const ev = (at: number) => snap(at, { targets: ['playlist:PLx'] });
    assert.deepEqual(routesOf(ev(1000), subs, DEFAULT_RULES).map((r) => r.suffix), ['/s-b']);
    assert.deepEqual(routesOf(ev(2000), subs, DEFAULT_RULES).map((r) => r.suffix), ['/s-a', '/s-b']);
  });

  it('a record without targets goes to the operator (every sink); one route per recipient; other targets get nothing', () => {
    assert.deepEqual(routesOf(snap(1), [sub('s-a', '7', 'playlist:PLx')], DEFAULT_RULES), [{ rules: DEFAULT_RULES, suffix: '' }]);
    const subs = [sub('s-a', '7', 'playlist:PLx'), sub('s-b', '7', 'video:vid00000001'), sub('s-c', '9', 'playlist:PLother')];
    const routes = routesOf(snap(1, { targets: ['playlist:PLx', 'video:vid00000001'], operator: true }), subs, DEFAULT_RULES);
    assert.deepEqual(routes.map((r) => r.suffix), ['', '/s-a']);
  });
});

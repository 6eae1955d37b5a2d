/** Seed 004's job on the embedded log (the case body is shared with the Kafka run). */
import { describe, it } from 'node:test';
import { UserEvent, fastUserEvent } from '../examples/user-activity/event.js';
import { exampleSuite } from './cases/example-activity.js';
import { assertFastAgrees } from './helpers/fast-check.js';

exampleSuite('embedded', () => ({}));

describe('user-activity: the fast event check', () => {
  it('accepts only what the schema accepts, and returns what it returns', () => {
    const full = { userId: 'j1', visitorId: 'v', type: 'Event', metadata: { messageId: 'm', sentAt: 1, timestamp: 2, receivedAt: 0, apiKey: 'a', spaceId: 's', version: 'v1' }, event: 'Played', eventData: { MovieID: 'x', n: [1] } };
    const lean = { metadata: { timestamp: 5 }, userId: 'j2' };
    const cases: unknown[] = [
      full, lean, { ...lean, eventData: {} },
      { ...lean, extra: 1 }, { ...lean, metadata: { timestamp: 5, extra: 1 } }, { ...lean, metadata: { timestamp: 1.5 } }, { ...lean, metadata: {} },
      { ...lean, userId: '' }, { ...lean, visitorId: 1 }, { ...full, metadata: { ...full.metadata, sentAt: '1' } }, { ...lean, eventData: [] },
      { ...lean, eventData: JSON.parse('{"__proto__": 1}') }, { ...lean, metadata: null }, null, [], 'x',
    ];
    assertFastAgrees(fastUserEvent, UserEvent, cases, 3);
  });
});

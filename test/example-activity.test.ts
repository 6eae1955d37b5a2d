/** Seed 004's job on the embedded log (the case body is shared with the Kafka run). */
import { describe, it } from 'node:test';
import { UserEvent, fastUserEvent } from '../examples/user-activity/event.js';
import { exampleSuite } from './cases/example-activity.js';
import { assertFastAgrees } from './helpers/fast-check.js';

exampleSuite('embedded', () => ({}));

describe('user-activity: the fast event check', () => {
  it('accepts only what the schema accepts, and returns what it returns', () => {
    const full = { userId: 'j1', visitorId: 'v', type: 'Event', metadata: { messageId: 'm', sentAt: 1, timestamp: 2, receivedAt: 0, apiKey: 'a', spaceId: 's', version: 'v1' }, event: 'Played', eventData: { MovieID: 'x', n: [1] } };
    const lean = { userId: 'j2', metadata: { timestamp: 5 } };
    const cases: unknown[] = [
      full, lean, { ...lean, eventData: {} }, { userId: 'j3', type: 't', metadata: { sentAt: 2, timestamp: 3, version: 'v' }, event: 'e' },
      // Valid, but keys not in the schema's order: the schema decides.
      { metadata: { timestamp: 5 }, userId: 'j2' }, { userId: 'j3', metadata: { version: 'v', timestamp: 3 } },
      // Invalid.
      { ...lean, extra: 1 }, { ...lean, metadata: { timestamp: 5, extra: 1 } }, { ...lean, metadata: { timestamp: 1.5 } }, { ...lean, metadata: {} },
      { ...lean, userId: '' }, { userId: 'j2', visitorId: 1, metadata: { timestamp: 5 } }, { ...full, metadata: { ...full.metadata, sentAt: '1' } }, { ...lean, eventData: [] },
      { ...lean, eventData: JSON.parse('{"__proto__": 1}') }, { userId: 'j2', metadata: null }, { userId: 'j2' }, null, [], 'x',
      JSON.parse('{"userId": "j", "metadata": {"timestamp": 1}, "__proto__": {}}'),
      // Valid with explicit undefined values (never decoded from JSON): the schema decides.
      { userId: 'j2', metadata: { timestamp: 5, sentAt: undefined } }, { userId: 'j2', type: undefined, metadata: { timestamp: 5 } },
    ];
    assertFastAgrees(fastUserEvent, UserEvent, cases, 4);
  });
});

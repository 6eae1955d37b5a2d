/** Subscriptions on the embedded log (the case body is shared with `test/kafka-subscriptions.test.ts`). */
import { subscriptionsSuite } from './cases/subscriptions.js';

subscriptionsSuite('embedded');

/**
 * Acceptance of the embedded pipeline: the real CLI against the YouTube and Telegram fakes
 * (the case body is shared with the Kafka run, `test/kafka-cli.test.ts`).
 */
import { acceptanceSuite } from './cases/acceptance.js';

acceptanceSuite('embedded');

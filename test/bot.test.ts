/** The Telegram bot on the embedded log (case body shared with `test/kafka-bot.test.ts`). */
import { botSuite } from './cases/bot.js';

botSuite('embedded');

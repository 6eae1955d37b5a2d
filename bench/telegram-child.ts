// The Telegram fake in its own process, so the benchmark's notify stage does not share a core with it.
import { FakeTelegram } from '../src/app/fakes/telegram.js';

const tg = await FakeTelegram.start();
process.stdout.write(`${JSON.stringify({ url: tg.url, token: tg.token })}\n`);
process.on('SIGTERM', () => {
  void tg.close().then(() => process.exit(0));
});

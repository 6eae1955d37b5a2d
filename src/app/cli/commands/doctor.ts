import { describeError } from '../../../engine/core/errors.js';
import { loadEnv } from '../../config/load.js';
import { TelegramApiError, TelegramSink } from '../../sinks/telegram.js';
import { YouTubeClient } from '../../youtube/client.js';

/**
 * `ytwatch doctor`: checks the YouTube key (one `videos.list` call, 1 unit), the bot token
 * (`getMe`) and the chat (`getChat`), like seed 003's verify_credentials.py. Exit 1 on any failure.
 */
export async function doctorCommand(): Promise<number> {
  const env = loadEnv();
  let failed = 0;
  const line = (ok: boolean, what: string, detail: string) => {
    if (!ok) failed++;
    process.stdout.write(`${ok ? '✓' : '✗'} ${what}: ${detail}\n`);
  };
  const signal = AbortSignal.timeout(30_000);
  if (!env.YOUTUBE_API_KEY) {
    line(false, 'YouTube API key', 'YOUTUBE_API_KEY is not set — create a YouTube Data API v3 key and set it');
  } else {
    try {
      await new YouTubeClient({ apiKey: env.YOUTUBE_API_KEY, apiRoot: env.YOUTUBE_API_ROOT }).videos(['dQw4w9WgXcQ'], signal);
      line(true, 'YouTube API key', `accepted by ${env.YOUTUBE_API_ROOT} (1 quota unit used)`);
    } catch (err) {
      line(false, 'YouTube API key', explain(err));
    }
  }
  if (!env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_CHAT_ID) {
    process.stdout.write('- Telegram: not configured (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID); alerts go to the console or a webhook\n');
  } else if (!env.TELEGRAM_BOT_TOKEN || !env.TELEGRAM_CHAT_ID) {
    line(false, 'Telegram', `${env.TELEGRAM_BOT_TOKEN ? 'TELEGRAM_CHAT_ID' : 'TELEGRAM_BOT_TOKEN'} is not set — set both, or neither`);
  } else {
    try {
      const sink = new TelegramSink({ token: env.TELEGRAM_BOT_TOKEN, chatId: env.TELEGRAM_CHAT_ID, apiRoot: env.TELEGRAM_API_ROOT });
      const { bot, chat } = await sink.check(signal);
      line(true, 'Telegram', `bot ${bot} can reach chat ${chat}`);
    } catch (err) {
      line(false, 'Telegram', explain(err));
    }
  }
  return failed > 0 ? 1 : 0;
}

function explain(err: unknown): string {
  const hint = (err as { hint?: string }).hint;
  // The line already starts with "Telegram:"; the error need not say it again.
  const message = err instanceof TelegramApiError ? `${err.code} ${err.description}` : describeError(err);
  return `${message}${hint ? ` — ${hint}` : ''}`;
}

import type { Env, FileConfig } from '../config/schema.js';
import { ConsoleSink } from '../sinks/console.js';
import type { Sink } from '../sinks/sink.js';
import { TelegramSink } from '../sinks/telegram.js';
import { WebhookSink } from '../sinks/webhook.js';
import { ConfigError } from '../../engine/core/errors.js';
import type { Logger } from './logger.js';

/** The sinks the environment and config ask for; the console when nothing else is configured. */
export function buildSinks(env: Env, config: FileConfig, logger: Logger, stdout: NodeJS.WritableStream = process.stdout): Sink[] {
  const sinks: Sink[] = [];
  if (env.TELEGRAM_BOT_TOKEN || env.TELEGRAM_CHAT_ID) {
    if (!env.TELEGRAM_BOT_TOKEN) throw new ConfigError('TELEGRAM_CHAT_ID is set but TELEGRAM_BOT_TOKEN is not', 'set TELEGRAM_BOT_TOKEN to the token from @BotFather, or unset TELEGRAM_CHAT_ID');
    if (!env.TELEGRAM_CHAT_ID) throw new ConfigError('TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not', 'set TELEGRAM_CHAT_ID to the chat id (a number, or @channel)');
    sinks.push(
      new TelegramSink({
        token: env.TELEGRAM_BOT_TOKEN,
        chatId: env.TELEGRAM_CHAT_ID,
        apiRoot: env.TELEGRAM_API_ROOT,
        paceMs: config.notify.paceMs,
        group: config.notify.groupAlerts,
        maxAttempts: config.notify.maxAttempts,
        onRetry: (err, attempt, delayMs) => logger.warn({ attempt, delayMs, err: (err as Error).message }, 'telegram: retrying'),
      }),
    );
  }
  if (env.WEBHOOK_URL) sinks.push(new WebhookSink({ url: env.WEBHOOK_URL, maxAttempts: config.notify.maxAttempts }));
  if (config.notify.console ?? sinks.length === 0) sinks.push(new ConsoleSink(stdout as never));
  return sinks;
}

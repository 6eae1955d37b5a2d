import { Bot } from 'grammy';
import type { Source } from '../../engine/stream/source.js';
import { describeError } from '../../engine/core/errors.js';
import { BotCommands, type BotContext } from './commands.js';

export interface BotOptions extends BotContext {
  token: string;
  apiRoot?: string;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * The Telegram bot as a {@link Source}: grammY long polling (`getUpdates`) until `stop`; each text
 * message gets {@link BotCommands}' reply in HTML. A failed reply is logged and dropped (the user
 * can ask again); updates are confirmed by grammY's offset, so a restart does not answer twice.
 */
export class TelegramBot implements Source {
  readonly name = 'bot';
  readonly commands: BotCommands;
  private readonly bot: Bot;

  constructor(options: BotOptions) {
    this.commands = new BotCommands(options);
    this.bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
    this.bot.on('message:text', async (ctx) => {
      const reply = await this.commands.handle(String(ctx.chat.id), ctx.message.text);
      if (reply) await ctx.reply(reply, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    });
    this.bot.catch((err) => options.logger.warn({ err: describeError(err.error) }, 'bot: could not answer a message'));
  }

  async run(stop: AbortSignal): Promise<void> {
    const done = this.bot.start({ drop_pending_updates: false, allowed_updates: ['message'], timeout: 25 });
    const stopped = new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.race([done, stopped]);
    if (this.bot.isRunning()) await this.bot.stop();
    await done;
  }

  wake(): void {}
}

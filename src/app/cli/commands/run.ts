import type { CliArgs } from '../args.js';
import { loadContext, shutdownSignals } from '../context.js';
import { apiOptions } from './serve.js';
import { Pipeline, type StageName } from '../../runtime/pipeline.js';
import { buildSinks } from '../../runtime/sinks.js';
import { HistoryApi } from '../history-api.js';
import { runTogether } from '../../../engine/stream/loops.js';
import { ConfigError } from '../../../engine/core/errors.js';
import { PushSource } from '../../runtime/push.js';
import { WebSubSubscriber } from '../../youtube/websub.js';
import { TelegramBot } from '../../bot/bot.js';

/** Chats that may manage subscriptions through the bot: `TELEGRAM_CHAT_ID` and `TELEGRAM_ALLOWED_CHATS`. */
function allowedChats(env: { TELEGRAM_CHAT_ID?: string; TELEGRAM_ALLOWED_CHATS?: string }): Set<string> {
  const ids = [env.TELEGRAM_CHAT_ID, ...(env.TELEGRAM_ALLOWED_CHATS ?? '').split(',')].map((s) => s?.trim() ?? '').filter((s) => s !== '');
  return new Set(ids);
}

/**
 * `ytwatch run` (all stages) and the single-stage workers; `--once` polls once and drains. With
 * `--port` (and without `--once`) the process also runs the history stage and serves the API.
 */
export async function runCommand(args: CliArgs, stages: StageName[]): Promise<number> {
  const ctx = loadContext(args);
  const push = stages.includes('fetch') && !args.once && ctx.env.WEBSUB_CALLBACK_URL !== undefined;
  if (push && args.port === undefined) {
    throw new ConfigError('WEBSUB_CALLBACK_URL is set but no API server would receive the pushes', 'pass --port N and make WEBSUB_CALLBACK_URL reach /websub on it (or unset WEBSUB_CALLBACK_URL)');
  }
  const sinks = stages.includes('notify') ? buildSinks(ctx.env, ctx.config, ctx.logger) : [];
  const pipeline = await Pipeline.open({ ...ctx, sinks, stages, interval: args.interval });
  if (stages.includes('fetch') && pipeline.subscriptions().list().length === 0) {
    if (args.once) {
      await pipeline.close();
      throw new ConfigError('nothing to watch', 'pass --playlist, --channel or --video, list them under "watch" in the config file, or `ytwatch watch add <target>`');
    }
    process.stderr.write('ytwatch: nothing to watch yet — waiting for subscriptions (`ytwatch watch add <target>`, POST /subscriptions or the bot\'s /watch)\n');
  }
  const signals = shutdownSignals();
  let api: HistoryApi | undefined;
  try {
    if (args.once) {
      const res = await pipeline.once(signals.abort);
      if (res.deadLetters > 0) {
        process.stderr.write(`ytwatch: ${res.deadLetters} record(s) could not be handled or delivered — see \`ytwatch dlq list\`, fix the cause, then \`ytwatch dlq replay\`\n`);
        return 1;
      }
      return 0;
    }
    const fetch = pipeline.fetchStage();
    const pushSource = push && fetch
      ? new PushSource(new WebSubSubscriber({ hubUrl: ctx.env.WEBSUB_HUB_URL, callbackUrl: ctx.env.WEBSUB_CALLBACK_URL!, leaseSeconds: ctx.config.websub.leaseSeconds }), fetch, ctx.logger)
      : undefined;
    const bot = ctx.env.TELEGRAM_BOT_TOKEN && fetch
      ? new TelegramBot({
          token: ctx.env.TELEGRAM_BOT_TOKEN,
          apiRoot: ctx.env.TELEGRAM_API_ROOT,
          book: pipeline.subscriptions(),
          allowed: allowedChats(ctx.env),
          sizes: () => fetch.targetSizes(),
          logger: ctx.logger,
        })
      : undefined;
    if (args.port !== undefined) {
      api = await HistoryApi.start({ ...apiOptions(ctx, args, args.port), websub: pushSource, subscriptions: pipeline.subscriptions(), log: pipeline.log, names: pipeline.names, delivery: () => pipeline.deliveryCounts(), quotaUnitsToday: stages.includes('fetch') ? () => pipeline.quotaUnitsToday() ?? 0 : undefined, lastPollUnits: stages.includes('fetch') ? () => pipeline.lastPollUnits() : undefined });
      process.stdout.write(`ytwatch: dashboard ${api.url}/ · API docs ${api.url}/docs\n`);
    }
    ctx.logger.info({ stages, log: pipeline.log.kind, targets: ctx.targets.length }, 'ytwatch running; Ctrl-C to stop');
    const loops = [(stop: AbortSignal, abort: AbortSignal) => pipeline.run(stop, abort, [...(pushSource ? [pushSource] : []), ...(bot ? [bot] : [])])];
    if (api) loops.push(api.run.bind(api));
    await runTogether(signals.stop, signals.abort, loops);
    return 0;
  } finally {
    signals.dispose();
    await api?.close();
    await pipeline.close();
  }
}

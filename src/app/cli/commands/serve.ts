import { openNames } from '../../runtime/format.js';
import { parseInterval } from '../../config/load.js';
import { logOptions, openLog } from '../../runtime/open-log.js';
import { HistoryApi, type HistoryApiOptions } from '../history-api.js';
import type { CliArgs } from '../args.js';
import { loadContext, shutdownSignals, type Context } from '../context.js';

/** Store and listening settings from the environment, the config file and the flags (flags win). */
export function apiOptions(ctx: Context, args: CliArgs, port: number): Omit<HistoryApiOptions, 'log' | 'names'> {
  return {
    logger: ctx.logger,
    dataDir: ctx.env.YTWATCH_DATA_DIR,
    databaseUrl: ctx.env.DATABASE_URL,
    retentionDays: ctx.config.history.retentionDays,
    host: args.host ?? ctx.config.api.host,
    port,
    token: ctx.env.YTWATCH_API_TOKEN,
    maxPerChat: ctx.config.subscriptions.maxPerChat,
    quota: { interval: parseInterval(ctx.config.interval), dailyBudget: ctx.config.dailyBudget },
  };
}

/**
 * `ytwatch serve`: the history stage, the REST API and the dashboard on the configured event log,
 * without polling YouTube (run `ytwatch run` or the workers for that, on the same data folder or
 * Kafka cluster). Prints the URL on stdout once listening; stops on SIGINT/SIGTERM.
 */
export async function serveCommand(args: CliArgs): Promise<number> {
  const ctx = loadContext(args);
  const format = await openNames(ctx.env);
  const { names } = format;
  const log = await openLog(logOptions(ctx.env, ctx.config, names, ctx.logger)).catch((err: unknown) => {
    format.close();
    throw err;
  });
  const signals = shutdownSignals();
  let api: HistoryApi | undefined;
  try {
    api = await HistoryApi.start({ ...apiOptions(ctx, args, args.port ?? ctx.config.api.port), log, names });
    process.stdout.write(`ytwatch serve: dashboard ${api.url}/ · API docs ${api.url}/docs\n`);
    await api.run(signals.stop, signals.abort);
    return 0;
  } finally {
    signals.dispose();
    await api?.close();
    await log.close();
    format.close();
  }
}

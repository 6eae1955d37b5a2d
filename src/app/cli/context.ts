import { loadEnv, loadFileConfig } from '../config/load.js';
import type { Env, FileConfig } from '../config/schema.js';
import { parseChannel, parsePlaylist, parseVideo, type Target } from '../youtube/targets.js';
import { createLogger, defaultLogFormat, type Logger, type LogFormat } from '../runtime/logger.js';
import { Progress } from '../runtime/progress.js';
import type { CliArgs } from './args.js';

export interface Context {
  env: Env;
  config: FileConfig;
  targets: Target[];
  logger: Logger;
  logFormat: LogFormat;
  /** The per-poll line and run summary, in the chosen format. */
  progress: Progress;
}

/** Environment, config file and targets from flags and file, validated; throws ConfigError. */
export function loadContext(args: CliArgs): Context {
  const env = loadEnv();
  const config = loadFileConfig(args.config ?? env.YTWATCH_CONFIG);
  const targets: Target[] = [
    ...[...args.playlists, ...config.watch.playlists].map(parsePlaylist),
    ...[...args.channels, ...config.watch.channels].map(parseChannel),
    ...[...args.videos, ...config.watch.videos].map(parseVideo),
  ];
  const logFormat = args.logFormat ?? defaultLogFormat();
  const logger = createLogger(env.YTWATCH_LOG_LEVEL, logFormat);
  return { env, config, targets, logger, logFormat, progress: new Progress(logFormat, logger) };
}

/**
 * Two-stage shutdown: the first SIGINT/SIGTERM stops taking new work (`stop`) and gives in-flight
 * work `graceMs` to finish before `abort`; a second signal exits at once.
 */
export function shutdownSignals(graceMs = 10_000): { stop: AbortSignal; abort: AbortSignal; dispose: () => void } {
  const stop = new AbortController();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      process.stderr.write(`ytwatch: second ${sig}, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`ytwatch: ${sig} received, finishing in-flight work (again to exit at once)\n`);
    stop.abort();
    timer = setTimeout(() => abort.abort(new Error('shutdown deadline')), graceMs);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

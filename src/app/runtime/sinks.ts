import type { Env, FileConfig } from '../config/schema.js';
import type { Sink } from '../sinks/sink.js';
import { SINKS } from '../sinks/registry.js';
import type { Logger } from './logger.js';

/** The sinks the environment and config ask for, built by their registered plugins (the console when nothing else is configured). */
export function buildSinks(env: Env, config: FileConfig, logger: Logger, stdout: NodeJS.WritableStream = process.stdout): Sink[] {
  const built: Sink[] = [];
  for (const plugin of SINKS) {
    const sink = plugin.create({ env, notify: config.notify, logger, stdout: stdout as never, built });
    if (sink) built.push(sink);
  }
  return built;
}

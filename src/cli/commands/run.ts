import type { CliArgs } from '../args.js';
import { loadContext, shutdownSignals } from '../context.js';
import { Pipeline, type StageName } from '../../runtime/pipeline.js';
import { buildSinks } from '../../runtime/sinks.js';

/** `ytwatch run` (all stages) and the single-stage workers; `--once` polls once and drains. */
export async function runCommand(args: CliArgs, stages: StageName[]): Promise<number> {
  const ctx = loadContext(args);
  const sinks = stages.includes('notify') ? buildSinks(ctx.env, ctx.config, ctx.logger) : [];
  const pipeline = await Pipeline.open({ ...ctx, sinks, stages, interval: args.interval });
  const signals = shutdownSignals();
  try {
    if (args.once) {
      const res = await pipeline.once(signals.abort);
      if (res.deadLetters > 0) {
        process.stderr.write(`ytwatch: ${res.deadLetters} record(s) could not be handled or delivered — see \`ytwatch dlq list\`, fix the cause, then \`ytwatch dlq replay\`\n`);
        return 1;
      }
      return 0;
    }
    ctx.logger.info({ stages, log: pipeline.log.kind, targets: ctx.targets.length }, 'ytwatch running; Ctrl-C to stop');
    await pipeline.run(signals.stop, signals.abort);
    return 0;
  } finally {
    signals.dispose();
    await pipeline.close();
  }
}

import { names as makeNames } from '../../core/topics.js';
import { logExists, logOptions, openLog } from '../../runtime/open-log.js';
import { listDeadLetters, type DeadLetterEntry } from '../../core/dead-letters.js';
import { purgeDeadLetters, replayDeadLetters } from '../../runtime/dead-letters.js';
import { alertText } from '../../sinks/format.js';
import { loadContext } from '../context.js';
import type { CliArgs } from '../args.js';

/**
 * `ytwatch dlq list [--json]`: the waiting dead letters with the alert's text, target and reason.
 * `dlq replay [--id ID]`: re-queues each waiting one once. `dlq purge [--before WHEN]`: drops them.
 * Reads the data folder (or Kafka) without creating it.
 */
export async function dlqCommand(args: CliArgs): Promise<number> {
  const sub = args.rest[0] ?? 'list';
  const { env, config, logger } = loadContext(args);
  const names = makeNames(env.YTWATCH_TOPIC_PREFIX);
  const options = logOptions(env, config, names, logger);
  if (!logExists(options)) {
    if (sub === 'list' && args.json) process.stdout.write('[]\n');
    else process.stdout.write(`no dead letters: nothing has run on the data folder ${env.YTWATCH_DATA_DIR} yet\n`);
    return args.id ? 1 : 0;
  }
  const log = await openLog(options);
  try {
    if (sub === 'list') {
      // One entry per alert (or record): a copy superseded by a later failure of the same is not shown.
      const shown = (await listDeadLetters(log, names)).filter((l) => l.state === 'waiting' || l.state === 'replayed');
      const waiting = shown.filter((l) => l.state === 'waiting').length;
      if (args.json) process.stdout.write(`${JSON.stringify(shown.map(toJson), null, 2)}\n`);
      else {
        for (const l of shown) process.stdout.write(describe(l));
        process.stdout.write(`${shown.length} dead letter(s), ${waiting} not replayed${waiting > 0 ? ' — fix the cause, then `ytwatch dlq replay` (or `dlq replay --id ID`)' : ''}\n`);
      }
      return 0;
    }
    if (sub === 'replay') {
      const { requeued, skipped } = await replayDeadLetters(log, names, args.id ? [args.id] : undefined);
      process.stdout.write(`re-queued ${requeued} dead letter(s)${skipped ? `; ${skipped} unreadable one(s) left waiting` : ''}; a running \`ytwatch run\` (or the next \`run --once\`) delivers them\n`);
      return 0;
    }
    const n = await purgeDeadLetters(log, names, { ids: args.id ? [args.id] : undefined, before: args.before });
    process.stdout.write(`purged ${n} dead letter(s)${args.before !== undefined ? ` older than ${new Date(args.before).toISOString()}` : ''}\n`);
    return 0;
  } finally {
    await log.close();
  }
}

function toJson(l: DeadLetterEntry) {
  const d = l.letter;
  return {
    id: l.id,
    state: l.state,
    at: new Date(d?.at ?? l.record.timestamp).toISOString(),
    stage: d?.stage ?? null,
    sink: d?.sink ?? null,
    target: d?.target ?? d?.sink ?? d?.topic ?? null,
    reason: d?.reason ?? 'unreadable dead letter',
    failures: l.failures,
    text: l.alert ? alertText(l.alert) : null,
    videoId: l.alert?.videoId ?? d?.key ?? null,
    title: l.alert?.title ?? null,
    topic: d?.topic ?? null,
  };
}

/** A head line (state, id, time, stage/sink → target: reason); for a waiting one, the alert text below. */
function describe(l: DeadLetterEntry): string {
  const j = toJson(l);
  const head = `${l.state === 'waiting' ? 'pending ' : l.state} ${j.id} ${j.at} ${j.stage ?? '?'}${j.sink ? `/${j.sink}` : ''} → ${j.target ?? '?'}: ${j.reason}${j.failures > 1 ? ` (failed ${j.failures} times)` : ''}`;
  if (l.state !== 'waiting') return `${head}\n`;
  const what = j.text ? j.text.split('\n').map((line) => `    ${line}`).join('\n') : `    ${j.topic ?? '?'} key=${j.videoId ?? '-'}`;
  return `${head}\n${what}\n`;
}

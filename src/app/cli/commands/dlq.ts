import { YtwatchError } from '../../../engine/core/errors.js';
import { names as makeNames } from '../../core/topics.js';
import { logOptions, openLog } from '../../runtime/open-log.js';
import { loadContext } from '../context.js';
import type { CliArgs } from '../args.js';
import { drainDeadLetters, listDeadLetters } from '../../runtime/dead-letters.js';

/** `ytwatch dlq list` prints every dead letter; `ytwatch dlq replay` re-queues the new ones once. */
export async function dlqCommand(args: CliArgs): Promise<number> {
  const sub = args.rest[0] ?? 'list';
  if (sub !== 'list' && sub !== 'replay') throw new YtwatchError(`unknown dlq command "${sub}"`, { hint: 'use `ytwatch dlq list` or `ytwatch dlq replay`' });
  const { env, config } = loadContext(args);
  const names = makeNames(env.YTWATCH_TOPIC_PREFIX);
  const log = await openLog(logOptions(env, config, names));
  try {
    if (sub === 'list') {
      const letters = await listDeadLetters(log, names);
      for (const l of letters) {
        const parsed = names.of('deadLetters').parse(l.record.value);
        const d = parsed.ok ? parsed.value : undefined;
        process.stdout.write(
          d
            ? `${l.replayed ? 'replayed' : 'pending '} ${new Date(d.at).toISOString()} ${d.stage}${d.sink ? `/${d.sink}` : ''} ${d.topic}[${d.partition}]@${d.offset} key=${d.key ?? '-'}: ${d.reason}\n`
            : `unreadable dead letter at offset ${l.record.offset}: ${parsed.ok ? '' : parsed.reason}\n`,
        );
      }
      process.stdout.write(`${letters.length} dead letter(s), ${letters.filter((l) => !l.replayed).length} not replayed\n`);
      return 0;
    }
    const n = await drainDeadLetters(log, names);
    process.stdout.write(`re-queued ${n} dead letter(s); \`ytwatch run\` delivers them\n`);
    return 0;
  } finally {
    await log.close();
  }
}

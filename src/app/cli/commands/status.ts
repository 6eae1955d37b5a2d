import { historyGroups, names as makeNames } from '../../core/topics.js';
import { logExists, logOptions, openLog } from '../../runtime/open-log.js';
import { readStatus, type StatusView } from '../../core/status.js';
import { loadContext } from '../context.js';
import type { CliArgs } from '../args.js';

/**
 * `ytwatch status [--json]`: what the deployment recorded (last and next poll, quota, each sink's
 * last success and failure), the dead letters waiting and each stage's consumer lag. Reads the log
 * a running `ytwatch run` (or its workers) writes; creates nothing. Exit 0 when healthy, 2 when degraded.
 */
export async function statusCommand(args: CliArgs): Promise<number> {
  const { env, config, logger } = loadContext(args);
  const names = makeNames(env.YTWATCH_TOPIC_PREFIX);
  const options = logOptions(env, config, names, logger);
  if (!logExists(options)) {
    process.stdout.write(args.json ? '{"status":"empty"}\n' : `nothing has run on the data folder ${env.YTWATCH_DATA_DIR} yet — start \`ytwatch run\`\n`);
    return 0;
  }
  const log = await openLog(options);
  try {
    const view = await readStatus(log, names, historyGroups(names));
    process.stdout.write(args.json ? `${JSON.stringify(view, null, 2)}\n` : render(view, log.kind));
    return view.health.status === 'ok' ? 0 : 2;
  } finally {
    await log.close();
  }
}

const local = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '—');

/** The status view as text, times in local time. */
export function render(v: StatusView, kind: string): string {
  const lines = [`health: ${v.health.status}${v.health.reasons.map((r) => `\n  - ${r}`).join('')}`];
  const p = v.poll;
  lines.push(`last poll: ${p.lastAt ? `${local(p.lastAt)} ${p.ok ? `ok${p.videos !== null ? `, ${p.videos} videos` : ''}` : `failed: ${p.error}`}` : 'none yet'}`);
  lines.push(`next poll: ${local(p.nextAt)}`);
  lines.push(`quota: ${v.quota.unitsToday.toLocaleString('en-US')} / ${v.quota.dailyBudget?.toLocaleString('en-US') ?? '?'} units today, resets ${local(v.quota.resetsAt)} (midnight Pacific)`);
  if (v.sinks.length === 0) lines.push('sinks: nothing delivered yet');
  for (const s of v.sinks) lines.push(`sink ${s.sink}: last success ${local(s.lastSuccessAt)}, last failure ${local(s.lastFailureAt)}${s.lastFailure ? ` (${s.lastFailure})` : ''}`);
  lines.push(`dead letters waiting: ${v.deadLetters.waiting}${v.deadLetters.waiting > 0 ? ' (`ytwatch dlq list`)' : ''}`);
  lines.push(`consumer lag (${kind} log): ${v.lag.map((l) => `${l.stage} ${l.lag}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

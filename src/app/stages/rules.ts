import type { Metric } from '../core/events.js';
import type { MetricRules } from '../core/rules.js';

export { MetricRules } from '../core/rules.js';

export type Rules = Partial<Record<Metric, MetricRules>>;

/** The tutorial's rules (seed 000, its comments bug fixed): likes any, comments any, views every 200. */
export const DEFAULT_RULES = {
  views: { every: 200 },
  likes: { any: true },
  comments: { any: true },
} satisfies Rules;

/**
 * The names of the rules a change of one metric fires, or an empty list. A count that is unknown on
 * either side (hidden likes, comments off, first sight) never fires.
 */
export function firedRules(rules: MetricRules | undefined, previous: number | null, current: number | null): string[] {
  if (!rules || previous === null || current === null || previous === current) return [];
  const fired: string[] = [];
  const delta = current - previous;
  if (rules.any) fired.push('any');
  if (rules.delta !== undefined && Math.abs(delta) >= rules.delta) fired.push(`delta:${rules.delta}`);
  if (rules.percent !== undefined && previous > 0 && (Math.abs(delta) / previous) * 100 >= rules.percent) {
    fired.push(`percent:${rules.percent}`);
  }
  if (rules.every !== undefined && Math.floor(previous / rules.every) !== Math.floor(current / rules.every)) {
    fired.push(`every:${rules.every}`);
  }
  for (const m of rules.milestones ?? []) {
    if (previous < m && current >= m) fired.push(`milestone:${m}`);
  }
  return fired;
}

import { z } from 'zod';
import type { Metric } from '../core/events.js';

const Count = z.number().int().positive();

/** One metric's rules (the config file's `rules.<metric>`); an alert fires when any configured rule matches a change. */
export const MetricRules = z
  .object({
    any: z.boolean().optional().describe('Alert on every change of the metric.'),
    delta: Count.optional().describe('Alert when the metric moved by at least this much since the previous snapshot.'),
    percent: z.number().positive().optional().describe('Alert when the metric moved by at least this percentage (seed 003 uses 5).'),
    every: Count.optional().describe('Alert when the metric crosses a multiple of this bucket size (seed 000: views every 200).'),
    milestones: z.array(Count).optional().describe('Alert when the metric reaches one of these values (e.g. 1000, 10000, 1000000).'),
  })
  .strict();
export type MetricRules = z.infer<typeof MetricRules>;

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

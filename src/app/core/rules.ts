import { z } from 'zod';

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

/** Rules per metric, as in the config file's `rules` (and a subscription's). */
export const RulesSchema = z
  .object({ views: MetricRules.optional(), likes: MetricRules.optional(), comments: MetricRules.optional() })
  .strict();

/** The config file's `history` key, defaults included. */
import { z } from 'zod';

export const HistoryConfig = z
  .object({
    retentionDays: z.number().nonnegative().default(90).describe('Days of snapshots, changes and alerts the history store keeps; older rows are pruned every hour. 0 keeps everything.'),
  })
  .strict();
export type HistoryConfig = z.infer<typeof HistoryConfig>;

export const HISTORY_DEFAULTS = HistoryConfig.parse({});

/** The config file's `notify` key, shared by the sinks, defaults included. */
import { z } from 'zod';
import { Count } from '../core/settings.js';

export const NotifyConfig = z
  .object({
    console: z.boolean().optional().describe('Print alerts on stdout. Default: on when neither Telegram nor a webhook is configured.'),
    paceMs: z.number().int().nonnegative().default(1000).describe('Minimum time between two messages to one Telegram chat (Telegram allows about 1/s per chat).'),
    groupAlerts: z.boolean().default(true).describe('Group the alerts of one batch for one chat into one message (under 4096 characters).'),
    maxAttempts: Count.default(8).describe('Attempts for a retriable delivery failure (429, 5xx, network) before the alert is dead-lettered.'),
  })
  .strict();
export type NotifyConfig = z.infer<typeof NotifyConfig>;

/** The defaults, for callers that leave an option out. */
export const NOTIFY_DEFAULTS = NotifyConfig.parse({});

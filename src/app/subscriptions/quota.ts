import { YtwatchError } from '../../engine/core/errors.js';
import type { EventLog } from '../../engine/core/log.js';
import { readStatusRecords } from '../core/status.js';
import type { Names } from '../core/topics.js';
import { MAX_PAGE } from '../youtube/client.js';
import { autoInterval } from '../stages/fetch.js';
import { targetKey, type Target } from '../youtube/targets.js';

/** What the poller is configured with: the interval (seconds or auto) and the daily budget. */
export interface QuotaSettings {
  interval: number | 'auto';
  dailyBudget: number;
}

/** Units of one steady poll: a `videos.list` call per 50 distinct videos, about one unit per playlist or channel. */
export function estimateUnits(videos: number, sources: number): number {
  return Math.ceil(videos / MAX_PAGE) + sources;
}

/**
 * Whether adding `target` fits the budget, from the last poll's video count (the status topic) and
 * the targets already watched; a playlist or channel not polled yet counts as one page (50 videos).
 * With `auto` it says the interval polls will stretch to; with a fixed interval that would overrun
 * the budget it throws with the numbers.
 */
export async function admit(log: EventLog, names: Names, settings: QuotaSettings, watched: Target[], target: Target): Promise<string> {
  const keys = new Set(watched.map(targetKey));
  if (keys.has(targetKey(target))) return 'already polled: no extra quota';
  const last = (await readStatusRecords(log, names)).poll?.videos ?? 0;
  const sources = watched.filter((t) => t.kind !== 'video').length + (target.kind === 'video' ? 0 : 1);
  const videos = last + (target.kind === 'video' ? 1 : MAX_PAGE);
  const units = estimateUnits(videos, sources);
  if (settings.interval === 'auto') {
    return `about ${units} unit(s) per poll; --interval auto now polls every ${autoInterval(units, settings.dailyBudget)} s`;
  }
  const perDay = Math.ceil(86_400 / settings.interval) * units;
  if (perDay > settings.dailyBudget) {
    throw new YtwatchError(
      `refused: with it a poll costs about ${units} unit(s); every ${settings.interval} s that is ${perDay.toLocaleString('en-US')} units a day, over the daily budget of ${settings.dailyBudget.toLocaleString('en-US')}`,
      { hint: `use interval "auto" (${autoInterval(units, settings.dailyBudget)} s), a longer interval, or a larger dailyBudget` },
    );
  }
  return `about ${units} unit(s) per poll, ${perDay.toLocaleString('en-US')} of ${settings.dailyBudget.toLocaleString('en-US')} units a day`;
}

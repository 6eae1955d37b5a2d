/** Durations as people write them: `300` (seconds), `500ms`, `30s`, `5m`, `1h`, `1d`, `1w`. One grammar for the config and the API. */

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const NUMBER = '\\d+(?:\\.\\d+)?';
const UNIT = `(${Object.keys(UNITS).join('|')})`;

/** A duration with its unit (`30s`), as a regex source: for schemas that want the unit spelled out. */
export const DURATION_WITH_UNIT = `^${NUMBER}${UNIT}$`;

/** Milliseconds of a duration, or `undefined` when `text` is not one. A bare number is seconds. */
export function durationMs(text: string): number | undefined {
  const m = new RegExp(`^(${NUMBER})${UNIT}?$`).exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[(m[2] ?? 's') as keyof typeof UNITS];
}

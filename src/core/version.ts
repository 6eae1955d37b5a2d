import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder ytwatch is installed in (its package.json), from `src/core` or `dist/core`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** ytwatch's version, from its package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (this module is `dist/app/config/` or `src/app/config/` below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** True when ytwatch runs from a git checkout (development), not from an installed package. */
export function isCheckout(root = PACKAGE_ROOT): boolean {
  return existsSync(join(root, '.git'));
}

/**
 * The per-user state folder: `$XDG_STATE_HOME/ytwatch` (default `~/.local/state/ytwatch`) on Linux
 * and other Unixes, `~/Library/Application Support/ytwatch` on macOS, `%LOCALAPPDATA%\ytwatch` on Windows.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'ytwatch');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ytwatch');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'ytwatch');
}

/** `./.ytwatch` in a checkout (as before), the per-user state folder for an installed ytwatch. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return isCheckout() ? './.ytwatch' : userStateDir(env);
}

import { fileURLToPath } from 'node:url';

/** The folder this package is installed in (where its package.json is), from `src/…` or `dist/…`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

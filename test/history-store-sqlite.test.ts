/** The shared history-store cases on SQLite (a fresh data folder per case). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeCases } from './history-store.case.js';

const root = mkdtempSync(join(tmpdir(), 'ytwatch-history-'));
let n = 0;
after(() => rmSync(root, { recursive: true, force: true }));

storeCases('sqlite', async () => ({ dataDir: join(root, String(++n)) }));

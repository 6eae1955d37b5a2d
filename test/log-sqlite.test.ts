import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLog } from '../src/engine/log/sqlite/sqlite-log.js';
import { logContract } from './contract/log.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ytwatch-log-'));
logContract('sqlite', {
  open: async () => new SqliteLog({ path: join(dir, 'log.db') }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

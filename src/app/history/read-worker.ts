/**
 * Read-only queries on a SQLite file in a worker thread, as a Kysely dialect: a heavy query (the
 * 7-day deltas of 20,000 videos) runs there, so the event loop keeps answering `/health` and the
 * other requests meanwhile. One read-only connection; queries run one at a time in arrival order.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { StorageError, storageError } from '../../engine/sqlite/file.js';

// CommonJS, evaluated in the worker: better-sqlite3 is resolved by the parent and passed in.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: { message: err.message, code: err.code } });
}
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    const stmt = db.prepare(sql);
    if (!stmt.reader) throw Object.assign(new Error('the read worker runs only queries that return rows'), { code: 'YTWATCH_READONLY' });
    parentPort.postMessage({ id, rows: stmt.all(parameters) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err.message, code: err.code } });
  }
});
`;

type Reply = { id: number; rows?: unknown[]; error?: { message: string; code?: string } };

class WorkerConnection implements DatabaseConnection {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();

  constructor(
    private readonly worker: Worker,
    private readonly path: string,
  ) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error) p.reject(storageError(Object.assign(new Error(m.error.message), { code: m.error.code }), path) as Error);
      else p.resolve(m.rows ?? []);
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new StorageError(`history read worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', () => fail(new StorageError('history read worker stopped')));
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (rows) => resolve({ rows: rows as R[] }), reject });
      if (this.pending.size === 1) this.worker.ref(); // a query in flight keeps the process alive
      this.worker.postMessage({ id, sql: compiled.sql, parameters: compiled.parameters });
    });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the read worker does not stream');
  }
}

class WorkerDriver implements Driver {
  private worker?: Worker;
  private connection?: WorkerConnection;

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    const worker = new Worker(WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path: this.path } });
    this.worker = worker;
    const first = await new Promise<{ ready: boolean; error?: { message: string; code?: string } }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!first.ready) {
      await worker.terminate();
      throw storageError(Object.assign(new Error(first.error?.message ?? 'cannot open'), { code: first.error?.code }), this.path);
    }
    worker.unref();
    this.connection = new WorkerConnection(worker, this.path);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection!;
  }

  async beginTransaction(): Promise<void> {
    throw new Error('the read worker has no transactions');
  }

  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** A Kysely dialect whose queries run on a read-only connection to `path` in a worker thread. */
export class SqliteReadWorkerDialect implements Dialect {
  constructor(private readonly path: string) {}
  createDriver(): Driver {
    return new WorkerDriver(this.path);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * The history schema as Kysely migrations kept in code (no migration folder to ship). Column types
 * are portable: `bigint` is INTEGER on SQLite and int8 on PostgreSQL; flags are integers.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const MIGRATIONS: Record<string, Migration> = {
  '2025_01_init': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('videos')
        .addColumn('video_id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text')
        .addColumn('channel_title', 'text')
        .addColumn('published_at', 'text')
        .addColumn('available', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('views', 'bigint')
        .addColumn('likes', 'bigint')
        .addColumn('comments', 'bigint')
        .addColumn('first_fetched', 'bigint', (c) => c.notNull())
        .addColumn('last_fetched', 'bigint', (c) => c.notNull())
        .execute();
      // The primary key serves the per-video range scans (history, delta baselines) and makes a
      // replayed snapshot a no-op.
      await db.schema
        .createTable('snapshots')
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('fetched_at', 'bigint', (c) => c.notNull())
        .addColumn('views', 'bigint')
        .addColumn('likes', 'bigint')
        .addColumn('comments', 'bigint')
        .addPrimaryKeyConstraint('snapshots_pk', ['video_id', 'fetched_at'])
        .execute();
      await db.schema.createIndex('snapshots_fetched_at').on('snapshots').column('fetched_at').execute();
      await db.schema
        .createTable('feed')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feed_at').on('feed').columns(['at', 'id']).execute();
      await db.schema.createIndex('feed_video_at').on('feed').columns(['video_id', 'at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('feed').execute();
      await db.schema.dropTable('snapshots').execute();
      await db.schema.dropTable('videos').execute();
    },
  },
  '2026_12_deliveries': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deliveries')
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('sink', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['alert_id', 'sink'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('deliveries').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Applies every pending migration; throws the first failure. Safe to run from several processes. */
export async function migrate(db: Kysely<any>): Promise<void> {
  const { error } = await new Migrator({ db, provider, migrationTableName: 'ytwatch_history_migration', migrationLockTableName: 'ytwatch_history_migration_lock' }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Names of the migrations in code, in order (for tests and `doctor`-style checks). */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

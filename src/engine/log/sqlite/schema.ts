/**
 * Tables of the embedded log. One database file holds every topic, partition and group. Records of
 * every topic are appended to `batches`, a few hundred per row (`batch.ts`); a compacted topic's
 * batches are folded now and then into `compacted`, one row per key, whose offsets all come before
 * the batches'. `records` (one row per record) is only read: data folders written
 * before batches hold their records there, with offsets below every batch's, so no migration is
 * needed. `value` columns hold BLOBs; older data folders hold TEXT there, read as its UTF-8 bytes.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (
  name TEXT PRIMARY KEY,
  partitions INTEGER NOT NULL,
  compacted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS partitions (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  key TEXT,
  value TEXT,
  headers TEXT,
  ts INTEGER NOT NULL,
  PRIMARY KEY (topic, partition, offset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  base_offset INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  ts INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS batches_end ON batches (topic, partition, last_offset);
CREATE TABLE IF NOT EXISTS compacted (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  key TEXT NOT NULL,
  offset INTEGER NOT NULL,
  value TEXT,
  headers TEXT,
  ts INTEGER NOT NULL,
  PRIMARY KEY (topic, partition, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS compacted_offset ON compacted (topic, partition, offset);

CREATE TABLE IF NOT EXISTS group_offsets (
  grp TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (grp, topic, partition)
) WITHOUT ROWID;
`;

/**
 * Tables of the embedded log. One database file holds every topic, partition and group. `value`
 * columns hold BLOBs (record values are bytes); data folders written before hold TEXT there, which
 * reads back as its UTF-8 bytes, so no migration is needed.
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

CREATE TABLE IF NOT EXISTS group_offsets (
  grp TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (grp, topic, partition)
) WITHOUT ROWID;
`;

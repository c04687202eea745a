/**
 * Versioned schema migrations, applied in order inside one transaction each. Never edit
 * a shipped migration: add a new one. Later capabilities (vouchers, print queue, sync
 * outbox) append their own versions here.
 */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events journal',
    sql: `
      -- The append-only journal. seq is the per-store order, assigned by the single
      -- writer; journal_meta.last_seq remembers the highest ever given, so a seq is
      -- never reused even if a retention policy later deletes old, synced rows.
      -- (AUTOINCREMENT would do the same with a write per row; this is one per batch.)
      CREATE TABLE events (
        seq     INTEGER PRIMARY KEY,
        id      TEXT    NOT NULL UNIQUE,           -- ULID, stable across retries and sync
        type    TEXT    NOT NULL,
        time    INTEGER NOT NULL,                  -- ms since the Unix epoch
        device  TEXT,
        payload TEXT    NOT NULL
      );
      CREATE TABLE journal_meta (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        last_seq INTEGER NOT NULL
      );
      INSERT INTO journal_meta (id, last_seq) VALUES (1, 0);
      CREATE TRIGGER events_append_only BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
]

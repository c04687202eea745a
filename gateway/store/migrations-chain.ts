/** What the chain's cloud tells this store about other stores (see migrations.ts for the rules). */
import type { Migration } from './migrations.js'

export const CHAIN_MIGRATIONS: Migration[] = [
  {
    version: 23,
    name: 'double uses across stores',
    sql: `
      -- A voucher redeemed here and at another store beyond its uses (both offline at the
      -- time), as the cloud found it (command double-use): the newest notice per voucher,
      -- until a manager marks it handled; a notice of a further use opens it again.
      CREATE TABLE double_uses (
        voucher_key TEXT PRIMARY KEY,             -- kid:campaign:serial
        detected_at INTEGER NOT NULL,             -- when the cloud found it (ms)
        uses        INTEGER NOT NULL,             -- redemptions the cloud holds of it
        body        TEXT NOT NULL,                -- the command's body, validated (JSON)
        received_at INTEGER NOT NULL,
        handled_at  INTEGER,
        handled_by  TEXT
      ) WITHOUT ROWID;
      CREATE INDEX double_uses_open ON double_uses (detected_at) WHERE handled_at IS NULL;
    `,
  },
]

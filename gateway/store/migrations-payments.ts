/** Schema for wallet payment-code charges (issue #21); the rest of the schema is in migrations.ts. */
import type { Migration } from './migrations.js'

export const PAYMENT_MIGRATIONS: Migration[] = [
  {
    version: 18,
    name: 'payment attempts',
    sql: `
      -- One row per payment-code charge, written before the provider is asked, so a charge in
      -- flight is never forgotten: a restart resumes its query or its cancel from here.
      -- charging: asked, answer not known yet (the customer may be confirming on the phone);
      -- paid / declined: the provider said so; reversing: not confirmed in time, being
      -- cancelled; reversed: the provider confirmed the cancel. reference = our reference.
      CREATE TABLE payment_attempts (
        reference      TEXT PRIMARY KEY,
        request_hash   TEXT NOT NULL,
        device         TEXT,
        provider       TEXT NOT NULL,
        wallet         TEXT NOT NULL,
        masked_code    TEXT NOT NULL,
        amount         INTEGER NOT NULL CHECK (amount > 0),
        currency       TEXT NOT NULL,
        state          TEXT NOT NULL CHECK (state IN ('charging', 'paid', 'declined', 'reversing', 'reversed')),
        pending        INTEGER NOT NULL DEFAULT 0,
        transaction_id TEXT,
        detail         TEXT NOT NULL DEFAULT '',
        started_at     INTEGER NOT NULL,
        deadline       INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        event_seq      INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX payment_attempts_open ON payment_attempts (state) WHERE state IN ('charging', 'reversing');
    `,
  },
  {
    version: 19,
    name: 'payment refunds',
    sql: `
      -- Money given back on a paid charge, written before the provider is asked: a refund
      -- whose answer is lost is sent again under the same reference (the providers dedupe
      -- on it) until the provider says refunded or refused — also after a restart.
      CREATE TABLE payment_refunds (
        reference        TEXT PRIMARY KEY,
        charge_reference TEXT NOT NULL REFERENCES payment_attempts (reference),
        request_hash     TEXT NOT NULL,
        device           TEXT,
        amount           INTEGER NOT NULL CHECK (amount > 0),
        state            TEXT NOT NULL CHECK (state IN ('refunding', 'refunded', 'refused')),
        refund_id        TEXT,
        detail           TEXT NOT NULL DEFAULT '',
        started_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        event_seq        INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX payment_refunds_of_charge ON payment_refunds (charge_reference);
    `,
  },
  {
    version: 20,
    name: 'paid charges by time',
    sql: `
      -- The till's refund screen and the daily reconciliation look paid charges up by when
      -- they were decided; a busy store has hundreds a day, kept for the provider's refund window.
      CREATE INDEX payment_attempts_paid ON payment_attempts (updated_at) WHERE state = 'paid';
    `,
  },
]

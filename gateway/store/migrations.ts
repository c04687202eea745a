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

import { CARD_MIGRATIONS } from './migrations-cards.js'
import { PAYMENT_MIGRATIONS } from './migrations-payments.js'
import { MESSAGE_MIGRATIONS } from './migrations-messages.js'
import { CHAIN_MIGRATIONS } from './migrations-chain.js'

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
  {
    version: 2,
    name: 'sync outbox, vouchers and redemptions',
    sql: `
      -- Events the cloud must receive and retention may never drop (redemptions, voids,
      -- issues, sales). The relay deletes a row when the cloud acknowledges its seq.
      CREATE TABLE outbox (
        seq  INTEGER PRIMARY KEY REFERENCES events (seq),
        type TEXT NOT NULL
      );
      -- Serial counters per issuer key and campaign (the code has 24 bits for it).
      CREATE TABLE voucher_serials (
        kid         INTEGER NOT NULL,
        campaign    INTEGER NOT NULL,
        last_serial INTEGER NOT NULL,
        PRIMARY KEY (kid, campaign)
      ) WITHOUT ROWID;
      CREATE TABLE vouchers_issued (
        kid          INTEGER NOT NULL,
        campaign     INTEGER NOT NULL,
        serial       INTEGER NOT NULL,
        member       TEXT,
        expires_hour INTEGER NOT NULL,
        channel      TEXT NOT NULL,
        device       TEXT,
        issued_at    INTEGER NOT NULL,
        event_seq    INTEGER NOT NULL,
        PRIMARY KEY (kid, campaign, serial)
      );
      CREATE INDEX vouchers_issued_by_member ON vouchers_issued (campaign, member) WHERE member IS NOT NULL;
      -- The use counter the redemption's conditional UPDATE checks: "uses < allowed" is
      -- evaluated and incremented in one statement, so two tills (threads or processes)
      -- can never both see the last use as free.
      CREATE TABLE voucher_uses (
        voucher_key TEXT PRIMARY KEY,              -- kid:campaign:serial
        uses        INTEGER NOT NULL CHECK (uses >= 0)
      ) WITHOUT ROWID;
      CREATE TABLE redemptions (
        id          TEXT PRIMARY KEY,              -- the voucher.redeemed event's id
        voucher_key TEXT NOT NULL,
        kid         INTEGER NOT NULL,
        campaign    INTEGER NOT NULL,
        serial      INTEGER NOT NULL,
        store       TEXT NOT NULL,
        device      TEXT,
        cashier     TEXT,
        time        INTEGER NOT NULL,
        event_seq   INTEGER NOT NULL,
        voided_at   INTEGER,
        voided_by   TEXT,
        void_seq    INTEGER
      ) WITHOUT ROWID;                             -- keyed by id alone: one B-tree less to write per redemption
      CREATE INDEX redemptions_by_voucher ON redemptions (voucher_key, time);
    `,
  },
  {
    version: 3,
    name: 'members and consents',
    sql: `
      -- A member is a random id. The phone is never stored in the clear: phone_hash is an
      -- HMAC with a key kept outside the database (finding a member by phone), phone_enc
      -- an AES-GCM copy with another such key (for the member's own use).
      CREATE TABLE members (
        id          TEXT PRIMARY KEY,              -- 20 hex chars, random
        phone_hash  TEXT UNIQUE,
        phone_enc   TEXT,
        qr_secret   TEXT NOT NULL,                 -- base64url; the rotating member QR's key (member-code.ts)
        created_at  INTEGER NOT NULL,
        created_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Every consent given or withdrawn, with the wording's version; the latest row per
      -- (member, kind) is what holds.
      CREATE TABLE member_consents (
        member    TEXT NOT NULL REFERENCES members (id),
        kind      TEXT NOT NULL,
        version   TEXT NOT NULL,
        granted   INTEGER NOT NULL CHECK (granted IN (0, 1)),
        channel   TEXT NOT NULL,
        time      INTEGER NOT NULL,
        event_seq INTEGER NOT NULL,
        PRIMARY KEY (member, kind, event_seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'POS sales, payments and idempotency keys',
    sql: `
      -- A POS retries a request it got no answer to; the key makes the retry return the
      -- first answer instead of recording the sale (or charging) twice. request_hash
      -- tells a true retry from a different request reusing a key.
      CREATE TABLE idempotency (
        key          TEXT PRIMARY KEY,             -- pos name : the POS's key
        request_hash TEXT NOT NULL,
        response     TEXT NOT NULL,                -- JSON, returned again on retries
        time         INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE sales (
        id        TEXT PRIMARY KEY,                -- the pos.sale event's id
        pos       TEXT NOT NULL,
        amount    INTEGER NOT NULL,
        currency  TEXT NOT NULL,
        member    TEXT,
        time      INTEGER NOT NULL,
        event_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'print queue',
    sql: `
      -- Jobs are stored before they are accepted and printed in position order per
      -- printer. A job is 'printing' from just before its bytes go out until the status
      -- after printing is known; one found 'printing' at start was cut off by a crash and
      -- becomes 'interrupted' (it may or may not be on paper: a person decides, never a
      -- silent reprint).
      CREATE TABLE print_jobs (
        id          TEXT PRIMARY KEY,              -- the print.queued event's id
        printer     TEXT NOT NULL,
        position    INTEGER NOT NULL,              -- the print.queued event's seq
        kind        TEXT NOT NULL,
        document    TEXT NOT NULL,                 -- JSON, rendered for the printer when printed
        state       TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done', 'failed', 'cancelled', 'interrupted')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        request_key TEXT UNIQUE,                   -- a retried request returns the same job
        reprint_of  TEXT,
        created_at  INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX print_jobs_next ON print_jobs (printer, state, position);
    `,
  },
  {
    version: 6,
    name: 'sync checkpoint',
    sql: `
      -- The highest seq the cloud acknowledged as persisted, contiguously from 1. The relay
      -- sends from here after every reconnect; it moves only on the cloud's own ack (a
      -- broker's PUBACK means the broker has it, not that the cloud stored it).
      CREATE TABLE sync_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        acked_seq INTEGER NOT NULL,
        acked_at  INTEGER
      );
      INSERT INTO sync_state (id, acked_seq) VALUES (1, 0);
    `,
  },
  {
    version: 7,
    name: 'cloud commands',
    sql: `
      -- Every command the cloud sent, by its id, with the result sent back: a command
      -- delivered twice (QoS 1 redelivery, a cloud retry) is answered again, not applied again.
      CREATE TABLE commands (
        id        TEXT PRIMARY KEY,
        type      TEXT NOT NULL,
        status    TEXT NOT NULL CHECK (status IN ('ok', 'rejected')),
        reason    TEXT,
        detail    TEXT,
        time      INTEGER NOT NULL,
        event_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'kiosk game',
    sql: `
      -- The prize lease in force: the cloud's (command prize-inventory) or the config's (version 0).
      CREATE TABLE prize_lease (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        version     INTEGER NOT NULL,
        valid_to    INTEGER,
        applied_at  INTEGER NOT NULL
      );
      -- Units left per prize under that lease; a draw takes one with a conditional UPDATE.
      CREATE TABLE prize_stock (
        prize_id  TEXT PRIMARY KEY,
        campaign  INTEGER NOT NULL,
        granted   INTEGER NOT NULL,
        remaining INTEGER NOT NULL CHECK (remaining >= 0)
      ) WITHOUT ROWID;
      -- Commit–reveal: the day's seed is fixed (its hash journaled) before the first draw;
      -- draw n of the day is HMAC(seed, day:n), so no draw can be chosen after the fact.
      CREATE TABLE draw_seeds (
        day        TEXT PRIMARY KEY,
        seed       BLOB NOT NULL,
        commitment TEXT NOT NULL,
        draws      INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      -- One row per play, keyed by the kiosk's request id: a double tap or a reload gets this row back.
      CREATE TABLE kiosk_plays (
        id          TEXT PRIMARY KEY,
        day         TEXT NOT NULL,
        draw        INTEGER NOT NULL,
        kiosk       TEXT,
        member      TEXT,
        prize_id    TEXT NOT NULL,
        campaign    INTEGER NOT NULL,
        kid         INTEGER NOT NULL,
        serial      INTEGER NOT NULL,
        expires_hour INTEGER NOT NULL,
        weights     TEXT NOT NULL,
        time        INTEGER NOT NULL,
        event_seq   INTEGER NOT NULL,
        UNIQUE (day, draw)
      ) WITHOUT ROWID;
      CREATE INDEX kiosk_plays_by_member ON kiosk_plays (member, day);
    `,
  },
  {
    version: 9,
    name: 'portal sessions',
    sql: `
      -- A guest's time on the Wi-Fi: who (member), which device (MAC when known; phones
      -- randomise it, so the member is the identity), until when. ended_at is set once.
      CREATE TABLE portal_sessions (
        id          TEXT PRIMARY KEY,
        member      TEXT NOT NULL,
        ip          TEXT NOT NULL,
        mac         TEXT,
        controller  TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        end_reason  TEXT,
        event_seq   INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX portal_sessions_open ON portal_sessions (ended_at, expires_at);
      CREATE INDEX portal_sessions_by_member ON portal_sessions (member, started_at);
    `,
  },
  {
    version: 10,
    name: 'voucher outcomes index',
    sql: `
      -- The cashier screen's list after a restart reads the latest voucher outcomes; without
      -- this it scanned the events backwards, the whole journal when there were few (start-up
      -- grew with the database, issue #13). Partial: only outcome rows are in it.
      CREATE INDEX events_voucher_outcomes ON events (seq) WHERE type IN ('voucher.redeemed', 'voucher.rejected');
    `,
  },
  {
    version: 11,
    name: 'hourly rollups',
    sql: `
      -- The back office's figures per UTC hour (gateway/store/rollups.ts), kept by the writer
      -- in the transaction that appends the events; rollup_seq is the last seq counted, so
      -- the writer counts what came before this migration once, at its next start.
      CREATE TABLE rollup_hourly (
        hour INTEGER NOT NULL,
        metric TEXT NOT NULL,
        key TEXT NOT NULL,
        count INTEGER NOT NULL,
        amount INTEGER NOT NULL,
        PRIMARY KEY (hour, metric, key)
      ) WITHOUT ROWID;
      ALTER TABLE journal_meta ADD COLUMN rollup_seq INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 12,
    name: 'back office lookups',
    sql: `
      -- The back office looks a voucher up and shows the play (and slip) that issued it, lists
      -- each printer's latest jobs, and counts today's expired vouchers. A few hundred plays,
      -- issues and slips a day: the indexes cost the writer nothing it would notice.
      CREATE INDEX kiosk_plays_by_voucher ON kiosk_plays (kid, campaign, serial);
      CREATE INDEX vouchers_issued_by_expiry ON vouchers_issued (expires_hour);
      CREATE INDEX print_jobs_latest ON print_jobs (printer, position);
    `,
  },
  {
    version: 13,
    name: 'closed pipe departures',
    sql: `
      -- The cloud's latest count of this store's vouchers redeemed at partner stores (the
      -- command pipe-summary, sync/ingest/pipe-summaries.ts): the back office shows it; only
      -- a newer count replaces it.
      CREATE TABLE pipe_summary (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        at   INTEGER NOT NULL,                     -- when the cloud counted (ms)
        body TEXT NOT NULL                         -- the command's body, validated (JSON)
      );
    `,
  },
  ...CARD_MIGRATIONS,
  ...PAYMENT_MIGRATIONS,
  ...MESSAGE_MIGRATIONS,
  ...CHAIN_MIGRATIONS,
]

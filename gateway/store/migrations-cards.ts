/** Migrations for member value: the stored-value card's ledger and the member profiles (docs/members.md). */
import type { Migration } from './migrations.js'

export const CARD_MIGRATIONS: Migration[] = [
  {
    version: 14,
    name: 'stored-value cards',
    sql: `
      -- A member's stored-value card. principal is money the member paid in, bonus what the
      -- store gave on top; both are maintained here and are always the sums of the card's
      -- ledger (CardService.ledgerMismatches() and the tests check it). The CHECKs make a negative
      -- balance impossible even if a bug tried.
      CREATE TABLE cards (
        member     TEXT PRIMARY KEY REFERENCES members (id),
        currency   TEXT NOT NULL,
        principal  INTEGER NOT NULL DEFAULT 0 CHECK (principal >= 0),
        bonus      INTEGER NOT NULL DEFAULT 0 CHECK (bonus >= 0),
        opened_at  INTEGER NOT NULL,
        moved_at   INTEGER NOT NULL                -- the latest movement
      ) WITHOUT ROWID;
      -- Every movement of money on a card, append-only. id is the movement's journal event id.
      -- A payout closes a card: the principal handed back as cash, the bonus forfeited.
      -- principal and bonus are signed: what the movement added to (or took from) each.
      CREATE TABLE card_ledger (
        id        TEXT PRIMARY KEY,
        member    TEXT NOT NULL REFERENCES cards (member),
        kind      TEXT NOT NULL CHECK (kind IN ('topup', 'debit', 'refund', 'reversal', 'payout')),
        principal INTEGER NOT NULL,
        bonus     INTEGER NOT NULL,
        of_entry  TEXT REFERENCES card_ledger (id), -- a refund's debit, a reversal's top-up
        method    TEXT,                             -- how a top-up was paid: cash, alipay, wechat, unionpay
        reference TEXT,                             -- the payment's transaction id, the POS receipt number
        cashier   TEXT,
        approver  TEXT,                             -- the manager who approved a reversal or payout
        device    TEXT,
        time      INTEGER NOT NULL,
        event_seq INTEGER NOT NULL UNIQUE
      ) WITHOUT ROWID;
      CREATE INDEX card_ledger_by_member ON card_ledger (member, event_seq);
      CREATE INDEX card_ledger_by_entry ON card_ledger (of_entry) WHERE of_entry IS NOT NULL;
      CREATE UNIQUE INDEX card_ledger_one_reversal ON card_ledger (of_entry) WHERE kind = 'reversal';
      CREATE TRIGGER card_ledger_no_update BEFORE UPDATE ON card_ledger
      BEGIN SELECT RAISE(ABORT, 'the card ledger is append-only'); END;
      CREATE TRIGGER card_ledger_no_delete BEFORE DELETE ON card_ledger
      BEGIN SELECT RAISE(ABORT, 'the card ledger is append-only'); END;
    `,
  },
  {
    version: 15,
    name: 'member profiles',
    sql: `
      -- What each member has done here, kept by the writer in the transactions that record it
      -- (store/tx/member-profile.ts), so the back office and the segments never scan the
      -- journal. Days are the store's local days (days since the epoch); a visit is a day with
      -- any activity. member_months holds the same by local month (yyyymm) for windowed RFM.
      CREATE TABLE member_profiles (
        member            TEXT PRIMARY KEY,
        first_seen        INTEGER NOT NULL,
        last_seen         INTEGER NOT NULL,
        last_day          INTEGER NOT NULL,
        visits            INTEGER NOT NULL,
        plays             INTEGER NOT NULL,
        vouchers_won      INTEGER NOT NULL,
        vouchers_redeemed INTEGER NOT NULL,
        sales_count       INTEGER NOT NULL,
        sales_total       INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE member_months (
        member      TEXT NOT NULL,
        month       INTEGER NOT NULL,
        visits      INTEGER NOT NULL,
        sales_count INTEGER NOT NULL,
        sales_total INTEGER NOT NULL,
        PRIMARY KEY (member, month)
      ) WITHOUT ROWID;
      CREATE INDEX member_months_by_month ON member_months (month);
      -- A store upgrading: its members' past, from the tables that hold it.
      CREATE TEMP TABLE activity AS
        SELECT member, time, plays, won, redeemed, sales, total,
               CAST(strftime('%s', time / 1000, 'unixepoch', 'localtime') AS INTEGER) / 86400 AS day,
               CAST(strftime('%Y%m', time / 1000, 'unixepoch', 'localtime') AS INTEGER) AS month
        FROM (
          SELECT id AS member, created_at AS time, 0 AS plays, 0 AS won, 0 AS redeemed, 0 AS sales, 0 AS total FROM members
          UNION ALL SELECT member, time, 1, 0, 0, 0, 0 FROM kiosk_plays WHERE member IS NOT NULL
          UNION ALL SELECT member, issued_at, 0, 1, 0, 0, 0 FROM vouchers_issued WHERE member IS NOT NULL
          UNION ALL SELECT v.member, r.time, 0, 0, 1, 0, 0 FROM redemptions r
            JOIN vouchers_issued v USING (kid, campaign, serial) WHERE v.member IS NOT NULL AND r.voided_at IS NULL
          UNION ALL SELECT s.member, s.time, 0, 0, 0, 1, s.amount FROM sales s JOIN members m ON m.id = s.member
          UNION ALL SELECT member, started_at, 0, 0, 0, 0, 0 FROM portal_sessions
          UNION ALL SELECT member, time, 0, 0, 0, 0, 0 FROM card_ledger
        ) a WHERE member IN (SELECT id FROM members);
      INSERT INTO member_profiles
        SELECT member, min(time), max(time), max(day), count(DISTINCT day), sum(plays), sum(won), sum(redeemed),
               sum(sales), sum(total)
        FROM activity GROUP BY member;
      INSERT INTO member_months
        SELECT member, month, count(DISTINCT day), sum(sales), sum(total) FROM activity GROUP BY member, month;
      DROP TABLE activity;
    `,
  },
  {
    version: 16,
    name: 'forgotten members',
    sql: `
      -- A member forgotten (on request, or after the retention period): the phone's hash and
      -- sealed copy, the consents and the profile are gone; the id stays, pseudonymous, for
      -- the events and the card ledger the law requires us to keep.
      ALTER TABLE members ADD COLUMN forgotten_at INTEGER;
    `,
  },
  {
    version: 17,
    name: 'member tags',
    sql: `
      -- Tags a manager puts on members by hand ("wholesale", "birthday in May"): shown on the
      -- member, exported with the segments, usable as a campaign's audience.
      CREATE TABLE member_tags (
        member TEXT NOT NULL REFERENCES members (id),
        tag    TEXT NOT NULL,
        time   INTEGER NOT NULL,
        PRIMARY KEY (member, tag)
      ) WITHOUT ROWID;
      CREATE INDEX member_tags_by_tag ON member_tags (tag);
    `,
  },
]

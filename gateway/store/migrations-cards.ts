/** Migrations for member value: the stored-value card's ledger (docs/members.md). */
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
      -- principal and bonus are signed: what the movement added to (or took from) each.
      CREATE TABLE card_ledger (
        id        TEXT PRIMARY KEY,
        member    TEXT NOT NULL REFERENCES cards (member),
        kind      TEXT NOT NULL CHECK (kind IN ('topup', 'debit', 'refund', 'reversal')),
        principal INTEGER NOT NULL,
        bonus     INTEGER NOT NULL,
        of_entry  TEXT REFERENCES card_ledger (id), -- a refund's debit, a reversal's top-up
        method    TEXT,                             -- how a top-up was paid: cash, alipay, wechat, unionpay
        reference TEXT,                             -- the payment's transaction id, the POS receipt number
        cashier   TEXT,
        approver  TEXT,                             -- the manager who approved a reversal
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
]

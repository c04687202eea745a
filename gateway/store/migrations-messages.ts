/** Schema for the service window: messages to followers and their recipients (issue #18). */
import type { Migration } from './migrations.js'

export const MESSAGE_MIGRATIONS: Migration[] = [
  {
    version: 21,
    name: 'messages to followers',
    sql: `
      -- A message the back office composed. Its fan-out walks the members in id order and
      -- writes one recipient row per member it reaches; cursor is the last member id
      -- walked, moved in the same transaction as the rows, so a gateway stopped mid-way
      -- resumes after it: no member skipped, none written twice.
      -- scheduled → sending → sent; cancelled before it went out (or part way).
      CREATE TABLE messages (
        id          TEXT PRIMARY KEY,              -- the message.composed event's id
        title       TEXT NOT NULL,                 -- JSON {"zh": …, "en": …}: the languages given
        body        TEXT NOT NULL,                 -- JSON, the same languages
        image       BLOB,
        image_type  TEXT,
        campaign    INTEGER,                       -- a personal voucher of it per recipient
        audience    TEXT NOT NULL,
        send_at     INTEGER NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('scheduled', 'sending', 'sent', 'cancelled')),
        cursor      TEXT NOT NULL DEFAULT '',
        walked      INTEGER NOT NULL DEFAULT 0,    -- members looked at
        delivered   INTEGER NOT NULL DEFAULT 0,
        capped      INTEGER NOT NULL DEFAULT 0,    -- skipped: already had maxPerWeek messages
        -- Attribution, counted as it happens (the open, the redemption and the sale's
        -- transactions), so the back office never joins a message's 100,000 recipients:
        opened      INTEGER NOT NULL DEFAULT 0,
        redeemed    INTEGER NOT NULL DEFAULT 0,    -- its vouchers used (a void takes one back)
        sales       INTEGER NOT NULL DEFAULT 0,    -- sales one of its vouchers was part of
        sales_total INTEGER NOT NULL DEFAULT 0,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        finished_at INTEGER,
        event_seq   INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX messages_due ON messages (send_at) WHERE state IN ('scheduled', 'sending');
      -- Who got a message (the member's inbox), when they opened it, their personal voucher.
      CREATE TABLE message_recipients (
        member         TEXT NOT NULL,
        message        TEXT NOT NULL,
        delivered_at   INTEGER NOT NULL,
        opened_at      INTEGER,
        voucher_kid    INTEGER,
        voucher_serial INTEGER,
        PRIMARY KEY (member, message)
      ) WITHOUT ROWID;
      CREATE INDEX message_recipients_of_message ON message_recipients (message);
      -- The message a redeemed voucher came with (attribution, in the redemption's transaction).
      CREATE INDEX message_recipients_voucher ON message_recipients (voucher_kid, voucher_serial)
        WHERE voucher_serial IS NOT NULL;
    `,
  },
  {
    version: 22,
    name: 'message webhook sends',
    sql: `
      -- One POST per member a message reached, written in the fan-out's transaction with the
      -- recipient row (a durable outbox): pending until the webhook answers 2xx (sent), tried
      -- again with backoff meanwhile, given up after messages.webhook.giveUpHours (failed).
      CREATE TABLE message_sends (
        message    TEXT NOT NULL,
        member     TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        next_at    INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (message, member)
      ) WITHOUT ROWID;
      CREATE INDEX message_sends_due ON message_sends (next_at) WHERE state = 'pending';
    `,
  },
]

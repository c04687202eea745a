/**
 * The PostgreSQL cloud's schema, as numbered migrations applied in order at start under
 * an advisory lock (several workers may start at once). Times are ms since the epoch
 * (bigint), as in the stores' events. Events live in monthly partitions of `events`,
 * made as months arrive (pg-partitions.ts); everything else is small or rolled up.
 * Idempotency is by (store, seq): a store's row lock orders its batches and its
 * `contiguous` mark says what is already held; the events' key backs it up.
 */
import type pg from 'pg'
import { withClient } from './pg-client.js'

const MIGRATIONS: string[] = [
  `
  CREATE TABLE stores (
    store text PRIMARY KEY,
    contiguous bigint NOT NULL DEFAULT 0,
    received bigint NOT NULL DEFAULT 0,
    duplicates bigint NOT NULL DEFAULT 0,
    gaps bigint NOT NULL DEFAULT 0,
    status text, status_at bigint,
    merchant text, name text,
    enrolled_at bigint,                  -- null: seen, not enrolled (its batches are refused)
    last_batch_at bigint,                -- when its last events were stored
    birth_last_seq bigint                -- the last seq it had journaled when it last came online
  );
  -- Batches that arrived ahead of a hole, until the mark reaches them (pg-parking.ts).
  CREATE TABLE held_batches (
    store text NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL, doc text NOT NULL, at bigint NOT NULL,
    PRIMARY KEY (store, first_seq, last_seq)
  );
  -- The chain's settings, the same for every worker: time_zone (days of the roll-ups).
  CREATE TABLE cloud_settings (key text PRIMARY KEY, value text NOT NULL);
  CREATE SEQUENCE event_arrival;
  CREATE TABLE events (
    store text NOT NULL, seq bigint NOT NULL, id text NOT NULL, type text NOT NULL, time bigint NOT NULL,
    device text, payload json NOT NULL, received_at bigint NOT NULL,
    arrival bigint NOT NULL,             -- order of first arrival, for the order checker
    PRIMARY KEY (store, seq, time)
  ) PARTITION BY RANGE (time);
  CREATE TABLE issues (
    voucher_key text PRIMARY KEY, store text NOT NULL, seq bigint NOT NULL, campaign int NOT NULL,
    channel text NOT NULL, member text, time bigint NOT NULL
  );
  CREATE INDEX issues_by_time ON issues (time);
  CREATE TABLE redemptions (
    redemption_id text PRIMARY KEY, voucher_key text NOT NULL, store text NOT NULL, seq bigint NOT NULL,
    time bigint NOT NULL, max_uses int NOT NULL, voided_at bigint,
    issuer_store text, campaign int, funder text, honourer text, amount bigint, currency text,
    issued_at bigint                     -- the voucher's issue, once its event has arrived
  );
  CREATE INDEX redemptions_by_voucher ON redemptions (voucher_key);
  CREATE INDEX redemptions_by_time ON redemptions (time);
  -- One merchant pair's statement, in time order (reports.ts).
  CREATE INDEX redemptions_by_pair ON redemptions (funder, honourer, time, redemption_id);
  -- Redemptions that arrived before their voucher's issue (another store's events lag): few.
  CREATE INDEX redemptions_awaiting_issue ON redemptions (voucher_key) WHERE issued_at IS NULL AND voided_at IS NULL;
  CREATE TABLE sale_lines (
    redemption_id text PRIMARY KEY, store text NOT NULL, seq bigint NOT NULL, time bigint NOT NULL,
    amount bigint NOT NULL, currency text NOT NULL, pos text NOT NULL, reference text
  );
  CREATE TABLE alerts (
    id bigserial PRIMARY KEY, kind text NOT NULL, store text NOT NULL, detail text NOT NULL, time bigint NOT NULL,
    voucher_key text, stores text[], at_risk bigint, currency text
  );
  CREATE INDEX alerts_by_time ON alerts (time);
  CREATE TABLE voucher_claims (
    voucher_key text NOT NULL, store text NOT NULL, at bigint NOT NULL, uses int NOT NULL DEFAULT 1,
    PRIMARY KEY (voucher_key, store)
  );
  CREATE TABLE departures (
    issuer text NOT NULL, hour bigint NOT NULL, redeemer text NOT NULL, campaign int NOT NULL,
    used bigint NOT NULL, value bigint NOT NULL,
    PRIMARY KEY (issuer, hour, redeemer, campaign)
  );
  CREATE TABLE member_homes (member text PRIMARY KEY, store text NOT NULL, since bigint NOT NULL);
  CREATE TABLE card_cancels (
    from_store text NOT NULL, key text NOT NULL, home text NOT NULL, at bigint NOT NULL,
    done_at bigint, outcome text,
    PRIMARY KEY (from_store, key)
  );
  -- Rolled up as batches are stored, so a month's report reads days, not events.
  CREATE TABLE issued_daily (
    day int NOT NULL, campaign int NOT NULL, store text NOT NULL, channel text NOT NULL, n bigint NOT NULL,
    PRIMARY KEY (day, campaign, store, channel)
  );
  CREATE TABLE redeemed_daily (
    day int NOT NULL, campaign int NOT NULL, issuer text NOT NULL, redeemer text NOT NULL,
    funder text NOT NULL, honourer text NOT NULL, currency text NOT NULL,
    n bigint NOT NULL, value bigint NOT NULL,
    days_ms bigint NOT NULL DEFAULT 0, days_n bigint NOT NULL DEFAULT 0,  -- issue-to-redeem, where the issue is known
    PRIMARY KEY (day, campaign, issuer, redeemer, funder, honourer, currency)
  );
  CREATE TABLE events_daily (
    day int NOT NULL, store text NOT NULL, n bigint NOT NULL, PRIMARY KEY (day, store)
  );
  `,
  // 2: every store that redeemed a voucher beyond its uses is told (pg-double-uses.ts), each round until it answers.
  `
  CREATE TABLE double_use_notices (
    voucher_key text NOT NULL, store text NOT NULL, round int NOT NULL DEFAULT 1,
    raised_at bigint NOT NULL, told_at bigint, outcome text,
    PRIMARY KEY (voucher_key, store)
  );
  CREATE INDEX double_use_notices_pending ON double_use_notices (raised_at) WHERE told_at IS NULL;
  INSERT INTO double_use_notices (voucher_key, store, raised_at)
    SELECT DISTINCT r.voucher_key, r.store, a.time FROM alerts a JOIN redemptions r ON r.voucher_key = a.voucher_key
    WHERE a.kind = 'double_redemption'
    ON CONFLICT DO NOTHING;
  `,
]

/** Any number that is the same in every worker: the migrations' lock. */
const MIGRATION_LOCK = 7_301_942_001

export function migrate(pool: pg.Pool): Promise<number> {
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)')
    const row = await client.query<{ version: number }>('SELECT version FROM schema_version')
    let version = row.rows[0]?.version ?? 0
    if (row.rowCount === 0) await client.query('INSERT INTO schema_version VALUES (0)')
    if (version > MIGRATIONS.length)
      throw new Error(
        `the cloud database is at schema ${version}; this tillside knows ${MIGRATIONS.length} — upgrade tillside`,
      )
    for (; version < MIGRATIONS.length; version++) {
      await client.query('BEGIN')
      try {
        await client.query(MIGRATIONS[version]!)
        await client.query('UPDATE schema_version SET version = $1', [version + 1])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw err
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    return version
  })
}

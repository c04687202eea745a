/**
 * Writes what newly stored events mean (event-rows.ts) inside the ingest transaction,
 * one statement per kind: vouchers issued, redemptions (and voids), their sales, claims
 * done with, double uses across stores, members' homes, card cancels; what the reports'
 * roll-ups need is added to the transaction's Rollup. Vouchers redeemed or voided are
 * locked first (advisory locks in key order): two stores redeeming one voucher in two
 * workers' transactions must see each other, as online checks must see both.
 */
import type pg from 'pg'
import { HOUR_MS, type DerivedRows, type IssueRow } from './event-rows.js'
import type { RedeemedRow, Rollup } from './rollup.js'
import { raiseDoubleUses } from './pg-double-uses.js'

export interface DerivedEffects {
  departures: { issuer: string; redeemer: string }[]
  alerts: { store: string; kind: string; detail: string }[]
  cardCancelStores: string[]
  /**
   * Vouchers issued here, and redeemed here before their issue was seen: after COMMIT the
   * ingest settles them again (settleLateIssues), since an issue and its redemption stored
   * at once by two transactions cannot see each other inside them.
   */
  settleKeys: string[]
}

/** What the redemption statements return: the roll-ups' row and the voucher it is of. */
type Redeemed = RedeemedRow & { voucher_key: string }

const REDEEMED_COLUMNS =
  'store, time, campaign, issuer_store, funder, honourer, amount, currency, issued_at, voucher_key, max_uses'

export async function writeDerived(
  client: pg.PoolClient,
  rows: DerivedRows,
  rollup: Rollup,
  now: number,
): Promise<DerivedEffects> {
  const effects: DerivedEffects = { departures: [], alerts: [], cardCancelStores: [], settleKeys: [] }
  // Redeemed and voided vouchers only: issues need no lock (a redemption that misses its
  // issue by a moment is settled after COMMIT, settleKeys), and locking every issued
  // voucher made a partner's issue wait for the whole transaction that redeemed it.
  const keys = [...new Set(rows.redemptions.map((r) => r.voucherKey))]
  if (keys.length > 0 || rows.voids.length > 0) {
    await client.query(
      `SELECT count(pg_advisory_xact_lock(h)) FROM (
         SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) k
         UNION SELECT hashtextextended(r.voucher_key, 0) FROM redemptions r WHERE r.redemption_id = ANY($2)
         ORDER BY 1) x`,
      [keys, rows.voids.map((v) => v.redemptionId)],
    )
  }
  if (rows.issues.length > 0) effects.settleKeys.push(...(await writeIssues(client, rows.issues, rollup)))
  const count = (r: RedeemedRow, sign: 1 | -1) => {
    rollup.redeemed(r, sign)
    if (r.issuer_store && r.issuer_store !== r.store && r.campaign !== null) {
      rollup.departure(r.issuer_store, Math.floor(r.time / HOUR_MS), r.store, r.campaign, sign, sign * (r.amount ?? 0))
      effects.departures.push({ issuer: r.issuer_store, redeemer: r.store })
    }
  }
  if (rows.redemptions.length > 0) {
    const R = rows.redemptions
    const inserted = await client.query<Redeemed>(
      `INSERT INTO redemptions (redemption_id, voucher_key, store, seq, time, max_uses, issuer_store, campaign,
         funder, honourer, amount, currency, issued_at)
       SELECT r.*, i.time FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[],
         $7::text[], $8::int[], $9::text[], $10::text[], $11::bigint[], $12::text[])
         AS r(redemption_id, voucher_key, store, seq, time, max_uses, issuer_store, campaign, funder, honourer,
              amount, currency)
       LEFT JOIN issues i ON i.voucher_key = r.voucher_key
       ON CONFLICT DO NOTHING
       RETURNING ${REDEEMED_COLUMNS}`,
      [
        R.map((r) => r.redemptionId),
        R.map((r) => r.voucherKey),
        R.map((r) => r.store),
        R.map((r) => r.seq),
        R.map((r) => r.time),
        R.map((r) => r.maxUses),
        R.map((r) => r.issuerStore),
        R.map((r) => r.campaign),
        R.map((r) => r.funder),
        R.map((r) => r.honourer),
        R.map((r) => r.amount),
        R.map((r) => r.currency),
      ],
    )
    for (const r of inserted.rows) count(r, 1)
    effects.settleKeys.push(...inserted.rows.filter((r) => r.issued_at === null).map((r) => r.voucher_key))
    await client.query(
      // A claim is done with once the store's arrived uses reach it.
      `DELETE FROM voucher_claims c USING (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS x(k, s)) x
       WHERE c.voucher_key = x.k AND c.store = x.s
         AND c.uses <= (SELECT count(*) FROM redemptions r WHERE r.voucher_key = x.k AND r.store = x.s AND r.voided_at IS NULL)`,
      [R.map((r) => r.voucherKey), R.map((r) => r.store)],
    )
    effects.alerts.push(...(await doubleUses(client, new Map(R.map((r) => [r.voucherKey, r.store])), now)))
  }
  if (rows.voids.length > 0) {
    const voided = await client.query<Redeemed>(
      `UPDATE redemptions r SET voided_at = v.time FROM unnest($1::text[], $2::bigint[]) AS v(id, time)
       WHERE r.redemption_id = v.id AND r.voided_at IS NULL RETURNING ${REDEEMED_COLUMNS.replace(/(\w+)/g, 'r.$1')}`,
      [rows.voids.map((v) => v.redemptionId), rows.voids.map((v) => v.time)],
    )
    for (const r of voided.rows) count(r, -1)
  }
  if (rows.sales.length > 0) {
    const S = rows.sales
    await client.query(
      `INSERT INTO sale_lines (redemption_id, store, seq, time, amount, currency, pos, reference)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT DO NOTHING`,
      [
        S.map((s) => s.redemptionId),
        S.map((s) => s.store),
        S.map((s) => s.seq),
        S.map((s) => s.time),
        S.map((s) => s.amount),
        S.map((s) => s.currency),
        S.map((s) => s.pos),
        S.map((s) => s.reference),
      ],
    )
  }
  effects.cardCancelStores = await writeMembers(client, rows)
  return effects
}

/** Issues stored, counted per day, and the days-to-redeem of redemptions that arrived before their issue. */
async function writeIssues(client: pg.PoolClient, issues: IssueRow[], rollup: Rollup): Promise<string[]> {
  const inserted = await client.query<{
    voucher_key: string
    store: string
    campaign: number
    channel: string
    time: number
  }>(
    `INSERT INTO issues (voucher_key, store, seq, campaign, channel, member, time)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::bigint[])
     ON CONFLICT DO NOTHING RETURNING voucher_key, store, campaign, channel, time`,
    [
      issues.map((i) => i.voucherKey),
      issues.map((i) => i.store),
      issues.map((i) => i.seq),
      issues.map((i) => i.campaign),
      issues.map((i) => i.channel),
      issues.map((i) => i.member),
      issues.map((i) => i.time),
    ],
  )
  for (const i of inserted.rows) rollup.issued(i.time, i.campaign, i.store, i.channel)
  const keys = inserted.rows.map((i) => i.voucher_key)
  await settleLateIssues(client, keys, rollup)
  return keys
}

/**
 * Redemptions of these vouchers stored before their issue: the issue's time now known,
 * their issue-to-redeem days count. Through the small partial index of redemptions still
 * waiting for their issue; a row settled by another transaction meanwhile is skipped (the
 * UPDATE re-checks it), so nothing counts twice. `keys` null: every waiting redemption.
 */
export async function settleLateIssues(client: pg.PoolClient, keys: string[] | null, rollup: Rollup): Promise<number> {
  if (keys !== null && keys.length === 0) return 0
  const late = await client.query<Redeemed>(
    `UPDATE redemptions r SET issued_at = i.time FROM issues i
     WHERE r.issued_at IS NULL AND r.voided_at IS NULL AND i.voucher_key = r.voucher_key
       AND ($1::text[] IS NULL OR r.voucher_key = ANY($1))
     RETURNING ${REDEEMED_COLUMNS.replace(/(\w+)/g, 'r.$1')}`,
    [keys],
  )
  for (const r of late.rows) rollup.redeemDays(r)
  return late.rowCount ?? 0
}

/**
 * Vouchers now redeemed beyond their uses across stores: one alert each, naming every use,
 * raised for the store whose redemption just arrived (`redeemers`: voucher → that store).
 */
async function doubleUses(
  client: pg.PoolClient,
  redeemers: Map<string, string>,
  now: number,
): Promise<{ store: string; kind: string; detail: string }[]> {
  const over = await client.query<{
    voucher_key: string
    max_uses: number
    uses: string[]
    stores: string[]
    at_risk: number
    currency: string | null
  }>(
    `SELECT voucher_key, max(max_uses) AS max_uses, array_agg(store || '#' || seq ORDER BY time, store) AS uses,
       array_agg(DISTINCT store) AS stores, (count(*) - max(max_uses)) * coalesce(max(amount), 0) AS at_risk,
       max(currency) AS currency
     FROM redemptions WHERE voucher_key = ANY($1) AND voided_at IS NULL
     GROUP BY voucher_key HAVING count(*) > max(max_uses)`,
    [[...redeemers.keys()]],
  )
  const alerts = over.rows.map((o) => ({
    store: redeemers.get(o.voucher_key)!,
    kind: 'double_redemption',
    detail: `voucher ${o.voucher_key} redeemed ${o.uses.length}× (allowed ${o.max_uses}): ${o.uses.join(', ')}`,
    row: o,
  }))
  if (alerts.length > 0)
    await client.query(
      `INSERT INTO alerts (kind, store, detail, time, voucher_key, stores, at_risk, currency)
       SELECT 'double_redemption', a.store, a.detail, $1, a.k, string_to_array(a.stores, ','), a.at_risk, a.currency
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
         AS a(store, detail, k, stores, at_risk, currency)`,
      [
        now,
        alerts.map((a) => a.store),
        alerts.map((a) => a.detail),
        alerts.map((a) => a.row.voucher_key),
        alerts.map((a) => a.row.stores.join(',')),
        alerts.map((a) => a.row.at_risk),
        alerts.map((a) => a.row.currency),
      ],
    )
  if (alerts.length > 0)
    await raiseDoubleUses(
      client,
      alerts.map((a) => a.row.voucher_key),
      now,
    )
  return alerts.map(({ store, kind, detail }) => ({ store, kind, detail }))
}

/** Members' home stores, forgotten members, and card payments given up on → cancels at home; the stores with new cancels. */
async function writeMembers(client: pg.PoolClient, rows: DerivedRows): Promise<string[]> {
  if (rows.homes.length > 0)
    await client.query(
      `INSERT INTO member_homes (member, store, since) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT DO NOTHING`,
      [rows.homes.map((h) => h.member), rows.homes.map((h) => h.store), rows.homes.map((h) => h.since)],
    )
  if (rows.forgotten.length > 0)
    await client.query(
      `DELETE FROM member_homes h USING unnest($1::text[], $2::text[]) AS f(member, store)
       WHERE h.member = f.member AND h.store = f.store`,
      [rows.forgotten.map((f) => f.member), rows.forgotten.map((f) => f.store)],
    )
  if (rows.abandoned.length === 0) return []
  const A = rows.abandoned
  const r = await client.query<{ from_store: string }>(
    `INSERT INTO card_cancels (from_store, key, home, at)
     SELECT a.store, a.key, h.store, a.time FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       AS a(store, key, member, time) JOIN member_homes h ON h.member = a.member
     ON CONFLICT DO NOTHING RETURNING from_store`,
    [A.map((a) => a.store), A.map((a) => a.key), A.map((a) => a.member), A.map((a) => a.time)],
  )
  return [...new Set(r.rows.map((x) => x.from_store))]
}

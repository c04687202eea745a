/**
 * Member profiles, kept in the writer transactions that record what a member did (a play,
 * a voucher won or used, a sale, a Wi-Fi visit, a card movement), so they commit or roll
 * back with it and never need a scan of the journal. A member this store does not know
 * (a sale naming someone else's id) is not counted.
 */
import type { TxContext } from './tx-context.js'

export interface ProfileDelta {
  plays?: number
  won?: number
  redeemed?: number
  sales?: number
  salesTotal?: number
}

const DAY_MS = 86_400_000

/** The store's local day (days since the epoch) and month (yyyymm) of a time, as SQLite's 'localtime' counts them. */
export function localDayAndMonth(time: number): { day: number; month: number } {
  const d = new Date(time)
  return {
    day: Math.floor((time - d.getTimezoneOffset() * 60_000) / DAY_MS),
    month: d.getFullYear() * 100 + d.getMonth() + 1,
  }
}

export function touchMember(tx: TxContext, member: string, delta: ProfileDelta = {}, time = tx.now): void {
  const { day, month } = localDayAndMonth(time)
  const last = tx.stmt('SELECT last_day FROM member_profiles WHERE member = ?').pluck().get(member) as
    number | undefined
  if (last === undefined && !tx.stmt('SELECT 1 FROM members WHERE id = ? AND forgotten_at IS NULL').get(member)) return
  const newDay = last === undefined || day > last ? 1 : 0
  const v = {
    member,
    time,
    day,
    month,
    newDay,
    plays: delta.plays ?? 0,
    won: delta.won ?? 0,
    redeemed: delta.redeemed ?? 0,
    sales: delta.sales ?? 0,
    total: delta.salesTotal ?? 0,
  }
  tx.stmt(
    `INSERT INTO member_profiles (member, first_seen, last_seen, last_day, visits, plays, vouchers_won,
       vouchers_redeemed, sales_count, sales_total)
     VALUES (@member, @time, @time, @day, 1, @plays, @won, @redeemed, @sales, @total)
     ON CONFLICT (member) DO UPDATE SET
       last_seen = max(last_seen, @time), last_day = max(last_day, @day), visits = visits + @newDay,
       plays = plays + @plays, vouchers_won = vouchers_won + @won, vouchers_redeemed = vouchers_redeemed + @redeemed,
       sales_count = sales_count + @sales, sales_total = sales_total + @total`,
  ).run(v)
  tx.stmt(
    `INSERT INTO member_months (member, month, visits, sales_count, sales_total)
     VALUES (@member, @month, @newDay, @sales, @total)
     ON CONFLICT (member, month) DO UPDATE SET
       visits = visits + @newDay, sales_count = sales_count + @sales, sales_total = sales_total + @total`,
  ).run(v)
}

/** The member a voucher was issued to here, if any (redemptions and voids count for them). */
export function voucherMember(tx: TxContext, kid: number, campaign: number, serial: number): string | null {
  return (
    (tx
      .stmt('SELECT member FROM vouchers_issued WHERE kid = ? AND campaign = ? AND serial = ?')
      .pluck()
      .get(kid, campaign, serial) as string | null | undefined) ?? null
  )
}

/** A void takes the use back (the visit it was part of stays). */
export function untouchRedemption(tx: TxContext, member: string): void {
  tx.stmt(
    'UPDATE member_profiles SET vouchers_redeemed = vouchers_redeemed - 1 WHERE member = ? AND vouchers_redeemed > 0',
  ).run(member)
}

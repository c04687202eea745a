/**
 * A message's attribution, counted in the transactions where it happens — a redemption of
 * a voucher it carried (taken back by a void), a sale that redemption was part of — so the
 * back office reads four numbers instead of joining a message's recipients.
 */
import type { TxContext } from './tx-context.js'

/** The message whose personal voucher this is, if any (one index seek). */
function messageOfVoucher(tx: TxContext, kid: number, campaign: number, serial: number): string | null {
  return (
    (tx
      .stmt(
        `SELECT r.message FROM message_recipients r JOIN messages m ON m.id = r.message
         WHERE r.voucher_kid = ? AND r.voucher_serial = ? AND m.campaign = ?`,
      )
      .pluck()
      .get(kid, serial, campaign) as string | undefined) ?? null
  )
}

/** A voucher redeemed (+1) or its redemption voided (−1). */
export function countMessageRedemption(
  tx: TxContext,
  v: { kid: number; campaign: number; serial: number },
  delta: 1 | -1,
): void {
  const message = messageOfVoucher(tx, v.kid, v.campaign, v.serial)
  if (message) tx.stmt('UPDATE messages SET redeemed = redeemed + ? WHERE id = ?').run(delta, message)
}

/** A sale the POS reported with these redemptions: once per message whose voucher it used. */
export function countMessageSale(tx: TxContext, redemptions: string[], amount: number): void {
  const messages = new Set<string>()
  for (const id of redemptions) {
    const r = tx.stmt('SELECT kid, campaign, serial FROM redemptions WHERE id = ? AND voided_at IS NULL').get(id) as
      { kid: number; campaign: number; serial: number } | undefined
    const message = r && messageOfVoucher(tx, r.kid, r.campaign, r.serial)
    if (message) messages.add(message)
  }
  for (const m of messages)
    tx.stmt('UPDATE messages SET sales = sales + 1, sales_total = sales_total + ? WHERE id = ?').run(amount, m)
}

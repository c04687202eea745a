/**
 * POS writes with idempotency keys, run by the journal writer. The key is claimed by a
 * conditional INSERT in the same transaction as the sale and its event, so a retry that
 * races the original still records one sale.
 */
import type { TxContext } from './tx-context.js'
import { remember, replay, type Idempotent } from './idempotency.js'
import { touchMember, voucherMember } from './member-profile.js'
import { countMessageSale } from './message-attribution.js'

export interface SaleArgs {
  key: string
  requestHash: string
  pos: string
  device: string
  sale: {
    amount: number
    currency: string
    member: string | null
    payments: { method: string; amount: number }[]
    redemptions: string[]
    reference: string | null
  }
}
export interface SaleResponse {
  saleId: string
  seq: number
  time: number
}

export function recordSaleTx(tx: TxContext, a: SaleArgs): Idempotent<SaleResponse> {
  const prior = replay<SaleResponse>(tx, a.key, a.requestHash)
  if (prior) return prior
  const ev = tx.append('pos.sale', a.device, { pos: a.pos, ...a.sale }, { outbox: true })
  // The sale's member: as the POS says (it scanned the member QR), else whose voucher it took.
  const member = a.sale.member ?? memberOfRedemptions(tx, a.sale.redemptions)
  tx.stmt('INSERT INTO sales (id, pos, amount, currency, member, time, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    ev.id,
    a.pos,
    a.sale.amount,
    a.sale.currency,
    member,
    ev.time,
    ev.seq,
  )
  if (member !== null) touchMember(tx, member, { sales: 1, salesTotal: a.sale.amount })
  countMessageSale(tx, a.sale.redemptions, a.sale.amount)
  const response = { saleId: ev.id, seq: ev.seq, time: ev.time }
  remember(tx, a.key, a.requestHash, response)
  return { status: 'new', response }
}

function memberOfRedemptions(tx: TxContext, redemptions: string[]): string | null {
  for (const id of redemptions) {
    const r = tx.stmt('SELECT kid, campaign, serial FROM redemptions WHERE id = ?').get(id) as
      { kid: number; campaign: number; serial: number } | undefined
    const member = r && voucherMember(tx, r.kid, r.campaign, r.serial)
    if (member) return member
  }
  return null
}

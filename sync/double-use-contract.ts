/**
 * The command double-use (cloud → every store that redeemed the voucher): a single-use
 * voucher redeemed at two stores while one of them was offline. Only the cloud sees both
 * redemptions, and only once the late one's events arrive; it tells each store involved,
 * which keeps the newest notice per voucher and shows it in the back office. The same
 * notice again (or an older one) changes nothing. docs/asyncapi.yaml
 * components.schemas.doubleUse describes it.
 */
import type { DoubleUseNotice, DoubleUseRedemption } from '../gateway/admin/double-use-notice.js'
import { CONTRACT_VERSION, ContractError, STORE_ID, contractObject as object } from './contract.js'

export type { DoubleUseNotice, DoubleUseRedemption }

export const DOUBLE_USE = 'double-use'

const VOUCHER_KEY = /^\d{1,5}:\d{1,5}:\d{1,8}$/
const CURRENCY = /^[A-Z]{3}$/
const MAX_USES = 200
const iso = (x: unknown) => typeof x === 'string' && !Number.isNaN(Date.parse(x))
const whole = (x: unknown, min: number, max: number) =>
  Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max
const shortText = (x: unknown, max: number) => typeof x === 'string' && x.length >= 1 && x.length <= max

export function parseDoubleUse(body: unknown): DoubleUseNotice {
  const b = object(body, 'double-use')
  if (b.v !== CONTRACT_VERSION) throw new ContractError(`double-use.v must be ${CONTRACT_VERSION}`)
  if (typeof b.voucherKey !== 'string' || !VOUCHER_KEY.test(b.voucherKey))
    throw new ContractError('double-use.voucherKey must be a voucher number kid:campaign:serial')
  if (!whole(b.campaign, 1, 65535)) throw new ContractError('double-use.campaign must be 1–65535')
  if (!whole(b.maxUses, 1, MAX_USES)) throw new ContractError(`double-use.maxUses must be 1–${MAX_USES}`)
  if (b.issuerStore !== null && !(typeof b.issuerStore === 'string' && STORE_ID.test(b.issuerStore)))
    throw new ContractError('double-use.issuerStore must be a store id or null')
  let atRisk: DoubleUseNotice['atRisk'] = null
  if (b.atRisk !== null) {
    const r = object(b.atRisk, 'double-use.atRisk')
    if (!whole(r.amount, 0, 1e12) || typeof r.currency !== 'string' || !CURRENCY.test(r.currency))
      throw new ContractError('double-use.atRisk must be {amount (minor units ≥ 0), currency} or null')
    atRisk = { amount: r.amount as number, currency: r.currency }
  }
  if (!iso(b.detectedAt)) throw new ContractError('double-use.detectedAt must be an ISO time')
  if (!Array.isArray(b.uses) || b.uses.length < 2 || b.uses.length > MAX_USES)
    throw new ContractError(`double-use.uses must list 2–${MAX_USES} redemptions`)
  const uses = b.uses.map((x: unknown, i: number): DoubleUseRedemption => {
    const u = object(x, `double-use.uses[${i}]`)
    const at = `double-use.uses[${i}]`
    if (typeof u.store !== 'string' || !STORE_ID.test(u.store))
      throw new ContractError(`${at}.store must be a store id`)
    if (u.storeName !== null && !shortText(u.storeName, 120))
      throw new ContractError(`${at}.storeName must be text up to 120 characters or null`)
    if (!whole(u.seq, 1, Number.MAX_SAFE_INTEGER)) throw new ContractError(`${at}.seq must be a journal seq`)
    if (!iso(u.at)) throw new ContractError(`${at}.at must be an ISO time`)
    if (u.cashier !== null && !shortText(u.cashier, 64))
      throw new ContractError(`${at}.cashier must be text up to 64 characters or null`)
    if (typeof u.voided !== 'boolean') throw new ContractError(`${at}.voided must be true or false`)
    return {
      store: u.store,
      storeName: u.storeName as string | null,
      seq: u.seq as number,
      at: new Date(Date.parse(u.at as string)).toISOString(),
      cashier: u.cashier as string | null,
      voided: u.voided,
    }
  })
  return {
    v: CONTRACT_VERSION,
    voucherKey: b.voucherKey,
    campaign: b.campaign as number,
    maxUses: b.maxUses as number,
    issuerStore: b.issuerStore as string | null,
    atRisk,
    detectedAt: new Date(Date.parse(b.detectedAt as string)).toISOString(),
    uses,
  }
}

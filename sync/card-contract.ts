/**
 * Paying from a member card at another store of the same merchant (docs/members.md,
 * "Chains"). The member's home store is the card's only authority, so the paying store
 * asks the cloud (rpc/card-debit), the cloud asks the home store (ask/card-debit) and
 * relays its answer. No link, no answer in time → refused as "needs connection", never
 * queued. A payment the paying store gave up on is taken back at home by the cloud's
 * command card-cancel, so the card and the till never disagree for long.
 */
import type { CardCancel, CardDebitRequest, HomeCardDebit, RemoteCardMove } from '../gateway/cards/chain-types.js'
import { ContractError, STORE_ID, contractObject as object } from './contract.js'

export type { CardCancel, CardDebitRequest, HomeCardDebit, RemoteCardMove }

export const CARD_DEBIT = 'card-debit'
export const CARD_CANCEL = 'card-cancel'
/**
 * The cloud's refusal when the home store did not answer in time: the payment may have been
 * made there, so the cloud takes it back and the paying store must not retry the same key.
 */
export const NO_ANSWER = 'no_answer'

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/
const CURRENCY = /^[A-Z]{3}$/
const MEMBER_ID = /^[0-9a-f]{20}$/
const isAmount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 1 && (x as number) <= 100_000_000
const isSigned = (x: unknown) => Number.isSafeInteger(x)
const optionalText = (x: unknown, max: number) =>
  x === undefined || x === null || (typeof x === 'string' && x.length <= max)

export function parseCardDebit(body: unknown): CardDebitRequest {
  const b = object(body, 'card-debit')
  if (typeof b.memberId !== 'string' || !MEMBER_ID.test(b.memberId))
    throw new ContractError('card-debit.memberId must be the 20 hex digits the member QR names')
  if (typeof b.memberCode !== 'string' || b.memberCode.length < 4 || b.memberCode.length > 200)
    throw new ContractError('card-debit.memberCode must be the scanned member QR')
  if (!isAmount(b.amount)) throw new ContractError('card-debit.amount must be whole minor units from 1 to 100000000')
  if (typeof b.currency !== 'string' || !CURRENCY.test(b.currency))
    throw new ContractError('card-debit.currency must be an ISO 4217 code')
  if (typeof b.key !== 'string' || !KEY.test(b.key))
    throw new ContractError('card-debit.key must be 1–128 letters, digits or _ . : -')
  if (!optionalText(b.reference, 64)) throw new ContractError('card-debit.reference must be text up to 64 characters')
  if (!optionalText(b.cashier, 64)) throw new ContractError('card-debit.cashier must be text up to 64 characters')
  return {
    memberId: b.memberId,
    memberCode: b.memberCode,
    amount: b.amount as number,
    currency: b.currency,
    key: b.key,
    reference: (b.reference as string | null | undefined) ?? null,
    cashier: (b.cashier as string | null | undefined) ?? null,
  }
}

export function parseHomeCardDebit(body: unknown): HomeCardDebit {
  const from = object(body, 'card-debit').from
  if (typeof from !== 'string' || !STORE_ID.test(from)) throw new ContractError('card-debit.from must be a store id')
  return { ...parseCardDebit(body), from }
}

export function parseCardCancel(body: unknown): CardCancel {
  const b = object(body, 'card-cancel')
  if (typeof b.from !== 'string' || !STORE_ID.test(b.from))
    throw new ContractError('card-cancel.from must be a store id')
  if (typeof b.key !== 'string' || !KEY.test(b.key)) throw new ContractError('card-cancel.key must be a card-debit key')
  return { from: b.from, key: b.key }
}

export function parseRemoteCardMove(value: unknown): RemoteCardMove {
  const c = object(value, 'response.card')
  const balance = c.balance as Record<string, unknown> | undefined
  const ok =
    typeof c.memberId === 'string' &&
    MEMBER_ID.test(c.memberId) &&
    typeof c.homeStore === 'string' &&
    STORE_ID.test(c.homeStore) &&
    typeof c.homeName === 'string' &&
    c.homeName.length <= 120 &&
    typeof c.entryId === 'string' &&
    c.entryId.length <= 64 &&
    isAmount(c.amount) &&
    isSigned(c.principal) &&
    isSigned(c.bonus) &&
    typeof balance === 'object' &&
    balance !== null &&
    isSigned(balance.principal) &&
    isSigned(balance.bonus) &&
    typeof c.currency === 'string' &&
    CURRENCY.test(c.currency) &&
    typeof c.repeated === 'boolean'
  if (!ok) throw new ContractError('response.card is not a card movement')
  return {
    memberId: c.memberId as string,
    homeStore: c.homeStore as string,
    homeName: c.homeName as string,
    entryId: c.entryId as string,
    amount: c.amount as number,
    principal: c.principal as number,
    bonus: c.bonus as number,
    balance: { principal: balance!.principal as number, bonus: balance!.bonus as number },
    currency: c.currency as string,
    repeated: c.repeated as boolean,
  }
}

/** Why a card request was refused: one code per reason, each with its HTTP status (error-status.ts). */
import { CodedError } from '../../config/coded-error.js'
import type { CardRefusal } from '../store/tx/card-tx.js'

export type CardErrorCode =
  | Exclude<CardRefusal, 'idempotency_conflict' | 'unknown_member'>
  | 'cards_disabled'
  | 'invalid_amount'
  | 'over_max_topup'
  | 'payment_declined'
  | 'payment_not_confirmed'
  | 'member_not_present'
  | 'needs_connection'
  | 'other_merchant'

export class CardError extends CodedError<CardErrorCode> {
  override readonly name = 'CardError'
}

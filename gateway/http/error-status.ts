/**
 * Every refusal the domain can give and the HTTP status it is answered with, in one place
 * (issue #14: six route files kept their own maps and disagreed — `consent_required` was
 * 422 at the POS and 400 at the kiosk and portal). The table is typed against each error
 * class's codes, so a new code without a status does not compile. Routes let these errors
 * through; the app's error handler answers `{error, message}` with the status here.
 */
import { CodedError } from '../../config/coded-error.js'
import type { SimulateResult } from '../devices/device-manager.js'
import type { KioskError } from '../kiosk/kiosk-service.js'
import type { KioskLimitError } from '../kiosk/kiosk-limits.js'
import type { MemberError } from '../members/member-service.js'
import type { PosError } from '../payments/pos-service.js'
import type { PortalError } from '../portal/portal-service.js'
import type { PrintError } from '../print/print-service.js'
import type { LoginError } from '../till/cashier-sessions.js'
import type { VoucherError } from '../vouchers/voucher-service.js'
import type { CardError } from '../cards/card-errors.js'
import type { PrintRenderError } from '../../drivers/printer/escpos/encoder.js'

type RefusalCode =
  | VoucherError['code']
  | MemberError['code']
  | KioskError['code']
  | KioskLimitError['code']
  | PrintError['code']
  | PrintRenderError['code']
  | PosError['code']
  | CardError['code']
  | PortalError['code']
  | LoginError['code']
  | Extract<SimulateResult, { ok: false }>['error']

export const ERROR_STATUS: Record<RefusalCode, number> = {
  // vouchers and members
  not_enrolled: 503, // this gateway's key is not in the trust list: nothing it issues would verify
  unknown_campaign: 404,
  not_issuer: 403,
  campaign_ended: 409,
  member_limit: 409,
  not_in_audience: 409,
  invalid_phone: 400,
  consent_required: 422,
  unknown_member: 404,
  card_not_empty: 409,
  invalid_tag: 400,
  // the kiosk game
  daily_limit: 409,
  nothing_to_win: 409,
  unknown_play: 404,
  kiosk_busy: 429,
  // printing
  unknown_printer: 404,
  no_printer_for_role: 409,
  unknown_job: 404,
  not_cancellable: 409,
  unencodable: 422,
  qr_too_large: 422,
  bad_block: 422,
  // sales and payment codes
  idempotency_conflict: 409,
  payments_mismatch: 422,
  not_a_payment_code: 422,
  payment_offline: 503,
  unknown_charge: 404,
  charge_not_paid: 409,
  refund_exceeds_payment: 409,
  charge_is_card_topup: 409,
  // stored-value cards
  cards_disabled: 409,
  invalid_amount: 400,
  wrong_currency: 422,
  over_max_topup: 422,
  over_max_balance: 422,
  id_check_required: 422,
  payment_declined: 402,
  payment_not_confirmed: 402,
  member_not_present: 422,
  no_card: 404,
  insufficient_balance: 409,
  unknown_entry: 404,
  refund_exceeds_debit: 409,
  already_reversed: 409,
  reversal_window_passed: 409,
  balance_spent: 409,
  needs_connection: 503,
  other_merchant: 422,
  // the guest Wi-Fi portal
  wrong_code: 400,
  rate_limited: 429,
  too_many_attempts: 429,
  code_expired: 410,
  bad_fas: 403,
  fas_used: 409,
  code_not_sent: 503,
  not_let_on: 503,
  // cashiers
  wrong_pin: 403,
  locked_out: 429,
  // simulated scans (dev mode)
  unknown_device: 404,
  not_simulator: 409,
  offline: 409,
  rejected: 422,
  not_recorded: 503,
}

export interface Refusal {
  status: number
  body: { error: string; message: string }
  retryAfterSeconds?: number
}

/** The answer for a domain refusal, or null when `err` is not one (a bug: the handler logs it and answers 500). */
export function refusalOf(err: unknown): Refusal | null {
  // Only the domain's own errors: a Node or library error with a coincident code is not a refusal.
  if (!(err instanceof CodedError) || !Object.hasOwn(ERROR_STATUS, err.code)) return null
  const { retryAfterSeconds } = err as CodedError<string> & { retryAfterSeconds?: unknown }
  const status = ERROR_STATUS[err.code as RefusalCode]
  return {
    status,
    body: { error: err.code, message: err.message },
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  }
}

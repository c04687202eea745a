/** Every command the journal writer can run in a transaction, by name (see journal.execute). */
import type { WriterCommand } from './tx-context.js'
import { issueVoucherTx, redeemVoucherTx, voidRedemptionTx } from './voucher-tx.js'
import { enrolMemberTx, setConsentsTx, tagMemberTx } from './member-tx.js'
import { cancelMessageTx, composeMessageTx, fanOutTx, openMessageTx, sendResultTx } from './message-tx.js'
import { recordSaleTx } from './pos-tx.js'
import { paymentStartTx, paymentStepTx } from './payment-tx.js'
import { refundDecideTx, refundStartTx } from './refund-tx.js'
import { enqueuePrintTx, recoverPrintTx, transitionPrintTx } from './print-tx.js'
import { doubleUseHandledTx, recordCommandTx, saveDoubleUseTx, savePipeSummaryTx, syncAckTx } from './sync-tx.js'
import { kioskPlayTx, prizeLeaseTx } from './kiosk-tx.js'
import { endSessionsTx, startSessionTx } from './portal-tx.js'
import { forgetMemberTx } from './forget-tx.js'
import { cardDebitTx, cardTopUpTx } from './card-tx.js'
import { cardPayOutTx, cardRefundTx, cardReverseTx } from './card-undo-tx.js'
import { cardCancelRemoteTx, cardRemoteAbandonTx, cardRemoteDebitTx, cardRemoteRefusedTx } from './card-remote-tx.js'

export const WRITER_COMMANDS = {
  'voucher.issue': issueVoucherTx,
  'voucher.redeem': redeemVoucherTx,
  'voucher.void': voidRedemptionTx,
  'member.enrol': enrolMemberTx,
  'member.forget': forgetMemberTx,
  'member.tag': tagMemberTx,
  'member.consents': setConsentsTx,
  'message.compose': composeMessageTx,
  'message.fanout': fanOutTx,
  'message.cancel': cancelMessageTx,
  'message.open': openMessageTx,
  'message.send_result': sendResultTx,
  'pos.sale': recordSaleTx,
  'payment.start': paymentStartTx,
  'payment.step': paymentStepTx,
  'refund.start': refundStartTx,
  'refund.decide': refundDecideTx,
  'print.enqueue': enqueuePrintTx,
  'print.transition': transitionPrintTx,
  'print.recover': recoverPrintTx,
  'sync.ack': syncAckTx,
  'sync.command': recordCommandTx,
  'sync.pipeSummary': savePipeSummaryTx,
  'sync.doubleUse': saveDoubleUseTx,
  'admin.doubleUseHandled': doubleUseHandledTx,
  'kiosk.play': kioskPlayTx,
  'kiosk.lease': prizeLeaseTx,
  'portal.start': startSessionTx,
  'portal.end': endSessionsTx,
  'card.topup': cardTopUpTx,
  'card.debit': cardDebitTx,
  'card.refund': cardRefundTx,
  'card.reverse': cardReverseTx,
  'card.payout': cardPayOutTx,
  'card.remoteDebit': cardRemoteDebitTx,
  'card.remoteAbandon': cardRemoteAbandonTx,
  'card.remoteRefused': cardRemoteRefusedTx,
  'card.cancelRemote': cardCancelRemoteTx,
} satisfies Record<string, WriterCommand>

type Commands = typeof WRITER_COMMANDS
export type CommandMap = {
  [K in keyof Commands]: { args: Parameters<Commands[K]>[1]; result: ReturnType<Commands[K]> }
}

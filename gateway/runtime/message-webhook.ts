/**
 * The message webhook the config names (messages.webhook), its HMAC key read from the data
 * dir — refused at start, naming the key, when others may read it — and the POST's body for
 * each member's copy: their phone (for an SMS gateway), the text, their voucher, and links
 * back to their inbox and to "stop messages".
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../../config/schema.js'
import { ConfigError } from '../../config/load.js'
import type { Logger } from '../log.js'
import type { Journal } from '../store/journal.js'
import type { LinkSigner } from '../auth/signed-links.js'
import type { MemberService } from '../members/member-service.js'
import type { MessageService } from '../messages/message-service.js'
import { WebhookSender, type WebhookPayload } from '../messages/webhook-sender.js'
import { memberLinkToken } from '../http/member-link.js'

export function messageWebhook(
  config: Pick<Config, 'messages' | 'dataDir' | 'portal'>,
  deps: { journal: Journal; messages: MessageService; members: MemberService; links: LinkSigner },
  log: Logger,
): WebhookSender | null {
  const hook = config.messages.webhook
  if (!hook) return null
  const path = join(config.dataDir, hook.secretFile)
  let secret: Buffer
  try {
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} may be read by others: chmod 600 it`)
    secret = readFileSync(path)
    if (secret.length < 16) throw new Error(`${path} holds fewer than 16 bytes: too short a key`)
  } catch (err) {
    throw new ConfigError('config', [{ path: 'messages.webhook.secretFile', message: (err as Error).message }])
  }
  const base = (hook.linkBase ?? config.portal.publicUrl ?? '').replace(/\/$/, '')
  const payloadOf = (messageId: string, memberId: string): WebhookPayload | null => {
    const copy = deps.messages.copyFor(messageId, memberId)
    const phone = deps.members.phoneOf(memberId)
    if (!copy || phone === null) return null
    const inbox = base ? `${base}/m/${memberLinkToken(deps.links, memberId)}` : null
    return {
      delivery: `${messageId}:${memberId}`,
      messageId,
      member: { id: memberId, phone },
      title: copy.title,
      body: copy.body,
      link: inbox && `${inbox}/${messageId}`,
      unsubscribe: inbox && `${inbox}/unsubscribe`,
      voucher: copy.voucherCode
        ? { code: copy.voucherCode, url: base ? `${base}/v/${encodeURIComponent(copy.voucherCode)}` : null }
        : null,
    }
  }
  return new WebhookSender(
    deps.journal,
    {
      url: hook.url,
      secret,
      timeoutMs: hook.timeoutMs,
      firstRetryMs: hook.retryFirstMs,
      giveUpMs: hook.giveUpHours * 3_600_000,
    },
    payloadOf,
    log,
  )
}

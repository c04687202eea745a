/**
 * A message to followers composed in the cloud for several stores of a chain (docs/messages.md,
 * "From the cloud"): the command `message`, sent to each store; each sends it to its own
 * followers, under the cloud's message id — the same command again is the same message.
 */
import type { AudienceKind } from '../gateway/messages/audience.js'
import type { ComposeInput } from '../gateway/messages/message-service.js'
import { ContractError } from './contract.js'

export const MESSAGE = 'message'

export interface CloudMessage extends ComposeInput {
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function texts(x: unknown, field: string): Record<string, string> {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new ContractError(`message.${field} must be an object of texts by language`)
  for (const [lang, text] of Object.entries(x))
    if (typeof text !== 'string') throw new ContractError(`message.${field}.${lang} must be a string`)
  return x as Record<string, string>
}

export function parseCloudMessage(body: unknown): CloudMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ContractError('message must be an object')
  const b = body as Record<string, unknown>
  if (typeof b.id !== 'string' || !UUID.test(b.id)) throw new ContractError('message.id must be a lower-case UUID')
  if (typeof b.audience !== 'string') throw new ContractError('message.audience must be a string')
  if (b.campaign !== undefined && !Number.isSafeInteger(b.campaign))
    throw new ContractError('message.campaign must be an integer')
  if (b.image !== undefined && typeof b.image !== 'string') throw new ContractError('message.image must be a data: URL')
  const sendAt = b.sendAt === undefined ? undefined : Date.parse(String(b.sendAt))
  if (sendAt !== undefined && !Number.isFinite(sendAt))
    throw new ContractError('message.sendAt must be an ISO 8601 time')
  return {
    id: b.id,
    title: texts(b.title, 'title'),
    body: texts(b.body, 'body'),
    audience: b.audience as AudienceKind, // checked with the rest of the message by the store
    ...(b.campaign !== undefined ? { campaign: b.campaign as number } : {}),
    ...(b.image !== undefined ? { image: b.image as string } : {}),
    ...(sendAt !== undefined ? { sendAt } : {}),
  }
}

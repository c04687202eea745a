/**
 * The sync contract between a store's gateway and the cloud (docs/asyncapi.yaml is its
 * documentation; keep the two together). Topics live under tillside/v1/{storeId}/; every
 * payload is JSON with a version field `v`. A store only ever publishes and subscribes
 * under its own store id, so a broker ACL can confine it (docs/mosquitto-acl.example).
 */
import { LANGS, STORE_ID_PATTERN, type Lang } from '../config/schema-parts.js'
import { parseRemoteCardMove, type RemoteCardMove } from './card-contract.js'

export const CONTRACT_VERSION = 1
export const ROOT = 'tillside/v1'

export const topics = {
  /** Up, QoS 1: event batches in seq order. */
  events: (store: string) => `${ROOT}/${store}/events`,
  /** Down, QoS 1: the cloud's ack, the highest seq it persisted contiguously from 1. */
  ack: (store: string) => `${ROOT}/${store}/ack`,
  /** Up, QoS 1, retained: online (birth) / offline (Last Will, and on clean stop). */
  status: (store: string) => `${ROOT}/${store}/status`,
  /** Up, QoS 1, retained: one device's (scanner's, printer's) state. */
  device: (store: string, device: string) => `${ROOT}/${store}/devices/${device}`,
  /** Down, QoS 1: commands, one topic per command type. */
  command: (store: string, type: string) => `${ROOT}/${store}/cmd/${type}`,
  /** Up, QoS 1: each command's result. */
  commandResult: (store: string) => `${ROOT}/${store}/cmd-result`,
  /** Up, QoS 1: a request the store needs answered now (MQTT 5 request/response), one topic per method. */
  rpc: (store: string, method: string) => `${ROOT}/${store}/rpc/${method}`,
  /** Down, QoS 1: the answers to this store's requests (its MQTT 5 response topic). */
  rpcReply: (store: string) => `${ROOT}/${store}/rpc-reply`,
  /** Down, QoS 1: a request the cloud needs this store to answer now (a card payment at another store), one topic per method. */
  ask: (store: string, method: string) => `${ROOT}/${store}/ask/${method}`,
  /** Up, QoS 1: this store's answers to the cloud's asks. */
  answer: (store: string) => `${ROOT}/${store}/answer`,
}

/** Any id the config accepts: a cloud that refused one would leave that store unacknowledged forever. */
export const STORE_ID = new RegExp(STORE_ID_PATTERN)
export const COMMAND_ID = /^[A-Za-z0-9_.:-]{1,64}$/

/** One journaled event as the cloud receives it (payload as journaled). */
export interface WireEvent {
  seq: number
  id: string
  type: string
  time: number
  device: string | null
  payload: unknown
}

export interface EventBatch {
  v: 1
  store: string
  events: WireEvent[]
}

export interface Ack {
  v: 1
  seq: number
  /** The cloud refused a batch that started past `seq` + 1 (an earlier one was lost): send again from `seq`. */
  resend?: boolean
}

export interface StoreStatus {
  v: 1
  state: 'online' | 'offline'
  at: string
  version?: string
  /** Highest seq journaled / acknowledged when this was published (births only). */
  lastSeq?: number
  acked?: number
  /** The merchant the store belongs to (config store.merchant): the cloud lets a card be paid from at its stores only. */
  merchant?: string
}

/**
 * Builds a batch message from journal rows without parsing their payloads: each row's
 * payload is JSON the journal validated when it was appended, so it is spliced in as is.
 */
export function encodeBatch(
  store: string,
  rows: { seq: number; id: string; type: string; time: number; device: string | null; payload: string }[],
): string {
  let out = `{"v":1,"store":${JSON.stringify(store)},"events":[`
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (i > 0) out += ','
    out += `{"seq":${r.seq},"id":"${r.id}","type":${JSON.stringify(r.type)},"time":${r.time},"device":${r.device === null ? 'null' : JSON.stringify(r.device)},"payload":${r.payload}}`
  }
  return `${out}]}`
}

export class ContractError extends Error {
  override readonly name = 'ContractError'
}

/** A body that must be a JSON object (not null, not a list), else a ContractError naming it. */
export function contractObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ContractError(`${what} must be an object`)
  return body as Record<string, unknown>
}

function parseObject(payload: Buffer | string, maxBytes: number, what: string): Record<string, unknown> {
  if (payload.length > maxBytes) throw new ContractError(`${what} is ${payload.length} bytes; limit ${maxBytes}`)
  let value: unknown
  try {
    value = JSON.parse(payload.toString())
  } catch {
    throw new ContractError(`${what} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ContractError(`${what} is not a JSON object`)
  const v = (value as { v?: unknown }).v
  if (v !== CONTRACT_VERSION)
    throw new ContractError(`${what} has version ${JSON.stringify(v)}; this gateway speaks v${CONTRACT_VERSION}`)
  return value as Record<string, unknown>
}

export function parseAck(payload: Buffer | string): Ack {
  const o = parseObject(payload, 1024, 'ack')
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 0)
    throw new ContractError('ack.seq must be a non-negative integer')
  if (o.resend !== undefined && typeof o.resend !== 'boolean') throw new ContractError('ack.resend must be a boolean')
  return { v: 1, seq: o.seq as number, ...(o.resend ? { resend: true } : {}) }
}

/** 9999-12-31T23:59:59.999Z: the last time a cloud's date types can hold. */
const MAX_EVENT_TIME = 253_402_300_799_999
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const SHORT_TEXT = /^[^\u0000-\u001f\u007f]{1,128}$/
const isInt = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 1

/** The cloud's parse of a batch; refuses anything that is not one store's events in strictly rising seq order. */
export function parseBatch(payload: Buffer | string, maxBytes: number): EventBatch {
  const o = parseObject(payload, maxBytes, 'batch')
  if (typeof o.store !== 'string' || !STORE_ID.test(o.store)) throw new ContractError('batch.store is not a store id')
  if (!Array.isArray(o.events) || o.events.length === 0)
    throw new ContractError('batch.events must be a non-empty array')
  let previous = 0
  for (const [i, e] of (o.events as Record<string, unknown>[]).entries()) {
    if (typeof e !== 'object' || e === null) throw new ContractError(`batch.events[${i}] is not an object`)
    if (!isInt(e.seq) || (e.seq as number) <= previous)
      throw new ContractError(`batch.events[${i}].seq must rise strictly`)
    if (typeof e.id !== 'string' || typeof e.type !== 'string' || !Number.isSafeInteger(e.time))
      throw new ContractError(`batch.events[${i}] lacks id, type or time`)
    if ((e.time as number) < 0 || (e.time as number) > MAX_EVENT_TIME)
      throw new ContractError(`batch.events[${i}].time is not a time between 1970 and 9999`)
    if (e.device !== null && typeof e.device !== 'string')
      throw new ContractError(`batch.events[${i}].device must be a string or null`)
    if (
      !SHORT_TEXT.test(e.id) ||
      !SHORT_TEXT.test(e.type) ||
      (e.device !== null && !SHORT_TEXT.test(e.device as string))
    )
      throw new ContractError(`batch.events[${i}]: id, type and device are 1–128 characters without control characters`)
    previous = e.seq as number
  }
  return o as unknown as EventBatch
}

/** A command from the cloud, on tillside/v1/{store}/cmd/{type}. */
export interface Command {
  v: 1
  /** Unique per command; a repeat is answered with the first result, not applied again. */
  id: string
  /** When set, must name this store (a command routed to the wrong store is refused). */
  store?: string
  issuedAt?: string
  body: unknown
}

export interface CommandResult {
  v: 1
  id: string
  type: string
  status: 'ok' | 'rejected'
  reason: string | null
  detail: string | null
  at: string
}

export const MAX_COMMAND_BYTES = 1024 * 1024

export function parseCommand(payload: Buffer | string): Command {
  const o = parseObject(payload, MAX_COMMAND_BYTES, 'command')
  if (typeof o.id !== 'string' || !COMMAND_ID.test(o.id))
    throw new ContractError('command.id must be 1–64 letters, digits or _ . : -')
  if (o.store !== undefined && typeof o.store !== 'string') throw new ContractError('command.store must be a string')
  if (!('body' in o)) throw new ContractError('command.body is required')
  return o as unknown as Command
}

/**
 * A request from a store. On MQTT 5 the response topic and correlation data travel as
 * properties; `id` and `replyTo` repeat them in the payload for 3.1.1 brokers (the
 * embedded one), where properties do not exist. Answers go to the store's own
 * rpc-reply topic only, so a store cannot make the cloud publish anywhere else.
 */
export interface RpcRequest {
  v: 1
  id: string
  replyTo?: string
  /**
   * ms since the epoch after which the asker no longer waits: a request the broker held
   * for a cloud that was away is dropped, not answered (and not acted on: an SMS after the
   * guest gave up, a claim that blocks a voucher for nothing). Also sent as MQTT 5 message expiry.
   */
  expiresAt?: number
  body: unknown
}

export interface RpcResponse {
  v: 1
  id: string
  status: 'ok' | 'refused' | 'error'
  reason: string | null
  detail: string | null
  /** voucher-check, when ok: the uses the asking store may reach in all, its own included. */
  allowedUses?: number
  /** card-debit, when ok: what the member's home store moved (card-contract.ts). */
  card?: RemoteCardMove
}

export const RPC_ID = /^[A-Za-z0-9_-]{8,64}$/
export const MAX_RPC_BYTES = 64 * 1024

export function parseRpcRequest(payload: Buffer | string): RpcRequest {
  const o = parseObject(payload, MAX_RPC_BYTES, 'request')
  if (typeof o.id !== 'string' || !RPC_ID.test(o.id))
    throw new ContractError('request.id must be 8–64 letters, digits, _ or -')
  if (o.replyTo !== undefined && typeof o.replyTo !== 'string')
    throw new ContractError('request.replyTo must be a topic')
  if (typeof o.body !== 'object' || o.body === null) throw new ContractError('request.body must be an object')
  if (o.expiresAt !== undefined && !Number.isSafeInteger(o.expiresAt))
    throw new ContractError('request.expiresAt must be ms since the epoch')
  return o as unknown as RpcRequest
}

export function parseRpcResponse(payload: Buffer | string): RpcResponse {
  const o = parseObject(payload, MAX_RPC_BYTES, 'response')
  if (typeof o.id !== 'string' || !RPC_ID.test(o.id))
    throw new ContractError('response.id must be 8–64 letters, digits, _ or -')
  if (o.status !== 'ok' && o.status !== 'refused' && o.status !== 'error')
    throw new ContractError('response.status must be ok, refused or error')
  const allowed =
    Number.isSafeInteger(o.allowedUses) && (o.allowedUses as number) >= 0
      ? { allowedUses: o.allowedUses as number }
      : {}
  return {
    v: 1,
    id: o.id,
    status: o.status,
    reason: typeof o.reason === 'string' ? o.reason : null,
    detail: typeof o.detail === 'string' ? o.detail : null,
    ...allowed,
    ...(o.status === 'ok' && o.card !== undefined ? { card: parseRemoteCardMove(o.card) } : {}),
  }
}

/** What a store asks before redeeming a voucher whose campaign needs an online check. */
export interface VoucherCheckRequest {
  voucherKey: string
  campaign: number
  maxUses: number
  /** The asking store's live uses, which may not have reached the cloud yet (0 from stores before it was sent). */
  localUses: number
}

export function parseVoucherCheck(body: unknown): VoucherCheckRequest {
  const b = body as Record<string, unknown>
  if (typeof b.voucherKey !== 'string' || !/^\d{1,5}:\d{1,5}:\d{1,8}$/.test(b.voucherKey))
    throw new ContractError('voucherKey must be kid:campaign:serial')
  if (!Number.isSafeInteger(b.campaign) || !Number.isSafeInteger(b.maxUses) || (b.maxUses as number) < 1)
    throw new ContractError('campaign and maxUses must be integers (maxUses ≥ 1)')
  if (b.localUses !== undefined && (!Number.isSafeInteger(b.localUses) || (b.localUses as number) < 0))
    throw new ContractError('localUses must be an integer ≥ 0')
  return {
    voucherKey: b.voucherKey,
    campaign: b.campaign as number,
    maxUses: b.maxUses as number,
    localUses: (b.localUses as number | undefined) ?? 0,
  }
}

/** What a store asks the cloud to deliver by SMS: the portal's one-time code (rpc/otp-send). */
export interface OtpSendRequest {
  phone: string
  code: string
  lang: Lang
}

export function parseOtpSend(body: unknown): OtpSendRequest {
  const o = body as Record<string, unknown>
  if (typeof o.phone !== 'string' || !/^\+\d{6,15}$/.test(o.phone))
    throw new ContractError('otp-send.phone must be an E.164 number (+ and 6–15 digits)')
  if (typeof o.code !== 'string' || !/^\d{4,8}$/.test(o.code))
    throw new ContractError('otp-send.code must be 4–8 digits')
  if (!(LANGS as readonly unknown[]).includes(o.lang))
    throw new ContractError(`otp-send.lang must be one of ${LANGS.join(', ')}`)
  return { phone: o.phone, code: o.code, lang: o.lang as Lang }
}

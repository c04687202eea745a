/**
 * The command pipe-summary's body (cloud → the store that issued the vouchers): its
 * vouchers redeemed at other stores, per window, partner and campaign. Validated whole
 * before it is kept; docs/asyncapi.yaml components.schemas.pipeSummary describes it.
 */
import { CONTRACT_VERSION, ContractError, STORE_ID } from './contract.js'

/** The closed pipe's departures: this store's vouchers redeemed at partners. */
export interface PipeSummary {
  v: 1
  /** When the cloud counted (ISO). */
  at: string
  /** The last 1, 7, 30 and 90 days (rolling, from `at`), each per redeeming store and campaign. */
  windows: { days: number; rows: { redeemer: string; campaign: number; used: number; value: number }[] }[]
}

const MAX_PIPE_ROWS = 5000

export function parsePipeSummary(body: unknown): PipeSummary {
  const b = body as Record<string, unknown>
  if (typeof b !== 'object' || b === null || b.v !== CONTRACT_VERSION)
    throw new ContractError(`pipe-summary.v must be ${CONTRACT_VERSION}`)
  if (typeof b.at !== 'string' || Number.isNaN(Date.parse(b.at)))
    throw new ContractError('pipe-summary.at must be an ISO time')
  if (!Array.isArray(b.windows) || b.windows.length > 8)
    throw new ContractError('pipe-summary.windows must be a list (at most 8)')
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0
  const windows = b.windows.map((w: Record<string, unknown>, i: number) => {
    if (!Number.isSafeInteger(w?.days) || (w.days as number) < 1 || (w.days as number) > 366)
      throw new ContractError(`pipe-summary.windows[${i}].days must be 1–366`)
    if (!Array.isArray(w.rows) || w.rows.length > MAX_PIPE_ROWS)
      throw new ContractError(`pipe-summary.windows[${i}].rows must be a list (at most ${MAX_PIPE_ROWS})`)
    const rows = w.rows.map((r: Record<string, unknown>, j: number) => {
      const at = `pipe-summary.windows[${i}].rows[${j}]`
      if (typeof r?.redeemer !== 'string' || !STORE_ID.test(r.redeemer))
        throw new ContractError(`${at}.redeemer must be a store id`)
      if (!Number.isSafeInteger(r.campaign) || (r.campaign as number) < 1 || (r.campaign as number) > 65535)
        throw new ContractError(`${at}.campaign must be 1–65535`)
      if (!count(r.used) || !count(r.value)) throw new ContractError(`${at}.used and .value must be integers ≥ 0`)
      return { redeemer: r.redeemer, campaign: r.campaign as number, used: r.used as number, value: r.value as number }
    })
    return { days: w.days as number, rows }
  })
  return { v: CONTRACT_VERSION, at: new Date(Date.parse(b.at)).toISOString(), windows }
}

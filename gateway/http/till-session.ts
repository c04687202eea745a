/** The cashier screen's session cookie, read by the till's routes and the till's card routes. */
import type { FastifyRequest } from 'fastify'
import type { CashierSession, CashierSessions } from '../till/cashier-sessions.js'
import { readCookie } from './cookies.js'

export const TILL_COOKIE = 'tillside_till'

/** The logged-in cashier, or a 401 that sends the screen back to its PIN pad. */
export function tillSession(cashiers: CashierSessions, req: FastifyRequest): CashierSession {
  const s = cashiers.get(readCookie(req.headers.cookie, TILL_COOKIE))
  if (!s) throw Object.assign(new Error('log in at /till with your PIN'), { statusCode: 401, code: 'unauthorized' })
  return s
}

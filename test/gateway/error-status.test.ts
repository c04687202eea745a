/** One table from domain refusals to HTTP statuses, whichever route answers (issue #14). */
import { describe, expect, it } from 'vitest'
import { ERROR_STATUS, refusalOf } from '../../gateway/http/error-status.js'
import { MemberError } from '../../gateway/members/member-service.js'
import { PosError } from '../../gateway/payments/pos-service.js'
import { KioskLimitError } from '../../gateway/kiosk/kiosk-limits.js'
import { POS_TOKEN, kioskCredential, kioskHeaders, startStoreGateway } from '../helpers/vouchers.js'

describe('error statuses', () => {
  it('answers a domain refusal from the table, with its message and Retry-After', () => {
    expect(refusalOf(new MemberError('consent_required', 'ask first'))).toEqual({
      status: 422,
      body: { error: 'consent_required', message: 'ask first' },
    })
    // A deliberate 503 keeps its words: the cashier must know to ask for another way to pay.
    expect(refusalOf(new PosError('payment_offline', 'provider not reachable'))).toMatchObject({
      status: 503,
      body: { message: 'provider not reachable' },
    })
    expect(refusalOf(new KioskLimitError('busy', 30))).toMatchObject({ status: 429, retryAfterSeconds: 30 })
  })

  it('does not take another error for a refusal because its code matches', () => {
    const fsError = Object.assign(new Error('socket is offline'), { code: 'offline' })
    expect(Object.hasOwn(ERROR_STATUS, 'offline')).toBe(true)
    expect(refusalOf(fsError)).toBeNull()
    expect(refusalOf('consent_required')).toBeNull()
  })

  it('gives consent_required the same status at the POS and at the kiosk', async () => {
    const { gateway, stop } = await startStoreGateway({
      devices: [{ id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } }],
      kiosk: { credentials: [kioskCredential('front', 'kiosk-1')] },
    })
    try {
      const body = JSON.stringify({ phone: '13800138000', consents: { membership: false } })
      const json = { 'content-type': 'application/json' }
      const pos = await fetch(`${gateway.address}/api/pos/members`, {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${POS_TOKEN}` },
        body,
      })
      const kiosk = await fetch(`${gateway.address}/api/kiosk/identify`, {
        method: 'POST',
        headers: { ...json, ...kioskHeaders },
        body,
      })
      for (const res of [pos, kiosk]) {
        expect(res.status).toBe(422)
        expect(await res.json()).toMatchObject({ error: 'consent_required' })
      }
    } finally {
      await stop()
    }
  })
})

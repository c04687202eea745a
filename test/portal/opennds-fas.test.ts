/**
 * The openNDS FAS checks at source level (issue #13, item 14): the netns test runs the
 * built bundle, so a check disabled in the source went unnoticed until a rebuild. Every
 * check of the `fas` query, and the replay check, on their own.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FasQueryError, fasToken, parseFasQuery } from '../../gateway/portal/controllers/opennds-fas.js'
import { PortalError, PortalService } from '../../gateway/portal/portal-service.js'
import { parseConfig } from '../../config/load.js'
import { silentLogger } from '../../gateway/log.js'
import type { PortalSessions } from '../../gateway/portal/portal-sessions.js'
import type { AccessController } from '../../gateway/portal/controllers/controller.js'

const HID = createHash('sha256').update('guest-token').digest('hex')
const fields = {
  hid: HID,
  clientip: '10.0.0.23',
  clientmac: 'AA:BB:CC:00:11:22',
  gatewayname: 'Demo%20Store Node:020000000001 ',
  gatewayaddress: '10.0.0.1:2050',
  originurl: 'http%3A%2F%2Fexample.com%2F',
}
const fasOf = (f: Record<string, string>) =>
  Buffer.from(
    Object.entries(f)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  ).toString('base64')
const expectation = { gatewayAddresses: ['10.0.0.1:2050'], gatewayName: 'Demo Store' }

describe('openNDS FAS query', () => {
  it('parses a good query', () => {
    expect(parseFasQuery(fasOf(fields), expectation)).toEqual({
      hid: HID,
      clientip: '10.0.0.23',
      clientmac: 'aa:bb:cc:00:11:22',
      gatewayname: 'Demo Store Node:020000000001',
      gatewayaddress: '10.0.0.1:2050',
      originurl: 'http://example.com/',
    })
  })

  it.each([
    ['no fas at all', undefined, /no fas parameter/],
    ['not base64', 'not base64!', /not base64/],
    ['too long', 'A'.repeat(5000), /not base64/],
    ['no hid', fasOf({ ...fields, hid: '(null)' }), /no hid/],
    ['a hid that is not a hash', fasOf({ ...fields, hid: 'abc' }), /hid is not a SHA-256/],
    ['a bad client address', fasOf({ ...fields, clientip: '10.0.0.300' }), /clientip .* not an IPv4/],
    ['a bad MAC', fasOf({ ...fields, clientmac: 'aa:bb' }), /not a MAC/],
    [
      'another router (the auth link would go there)',
      fasOf({ ...fields, gatewayaddress: '203.0.113.9:2050' }),
      /not one of this store's openNDS routers/,
    ],
    ["another store's name", fasOf({ ...fields, gatewayname: 'Other%20Shop Node:02' }), /not this store's/],
  ])('refuses %s', (_what, fas, message) => {
    expect(() => parseFasQuery(fas, expectation)).toThrow(FasQueryError)
    expect(() => parseFasQuery(fas, expectation)).toThrow(message)
  })

  it('makes the token openNDS expects: sha256(hid + faskey)', () => {
    expect(fasToken(HID, 'key')).toBe(createHash('sha256').update(`${HID}key`).digest('hex'))
  })
})

describe('FAS logins in the portal service', () => {
  const config = parseConfig('store: { id: s, name: S }\nportal: { enabled: true }\n', 'test')
  let opened = 0
  const sessions = {
    open: async (member: string, client: { ip: string }) => ({
      id: `session-${++opened}`,
      member,
      ip: client.ip,
      expiresAt: Date.now() + 60_000,
    }),
    end: async () => {},
  } as unknown as PortalSessions
  const controller = {
    kind: 'opennds',
    macOf: async () => null,
    authorise: async () => ({ next: 'http://10.0.0.1:2050/opennds_auth/' }),
  } as unknown as AccessController
  const service = new PortalService(
    config.portal,
    {
      members: { enrol: async () => ({ memberId: 'm1', created: true }) },
      sessions,
      controller,
      sender: { kind: 'dev', send: async () => {} },
      defaultCountryCode: '86',
    },
    silentLogger(),
  )
  const join = (fasIp: string, ip = '10.0.0.23') =>
    service.join({
      ip,
      phone: '13800138000',
      consents: { membership: true },
      lang: 'en',
      landing: 'http://gw/portal/welcome',
      fas: {
        hid: HID,
        clientip: fasIp,
        clientmac: 'aa:bb:cc:00:11:22',
        gatewayname: 'Demo Store',
        gatewayaddress: '10.0.0.1:2050',
        originurl: null,
      },
    })

  it('refuses a link made for another device, then a link used once already', async () => {
    await expect(join('10.0.0.99')).rejects.toMatchObject({ code: 'bad_fas' })
    expect(await join('10.0.0.23')).toMatchObject({ step: 'done' })
    const replay = join('10.0.0.23')
    await expect(replay).rejects.toBeInstanceOf(PortalError)
    await expect(join('10.0.0.23')).rejects.toMatchObject({ code: 'fas_used' })
  })
})

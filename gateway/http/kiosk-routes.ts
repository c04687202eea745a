/**
 * The kiosk: its page (/kiosk, from kiosk/ui), who is playing (phone + consent, or the
 * member QR at the kiosk's scanner, streamed over SSE), the play itself, the prize QR
 * that opens /v/{code} on a phone, "my vouchers", and the admin's view (POS token).
 * A player token (signed, 15 minutes) stands for the identified member, so nothing but
 * an identification at this kiosk can play in a member's name.
 */
import { openEventStream } from './event-stream.js'
import { logoUrl } from './brand-routes.js'
import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { packageRoot } from '../version.js'
import type { PlayView } from '../kiosk/kiosk-service.js'
import { qrSvg } from '../kiosk/qr-svg.js'
import { localDay } from '../kiosk/local-day.js'
import { CONSOLATION } from '../store/tx/draw.js'
import { serveFiles } from './static-files.js'
import { posAuthenticator } from './pos-auth.js'
import { voucherPageRoutes } from './voucher-page.js'
import { memberInboxRoutes } from './member-inbox.js'
import { publicBase } from './public-base.js'
import { kioskAuth } from './kiosk-auth.js'

const PLAYER_TTL_MS = 15 * 60_000
const HEARTBEAT_MS = 15_000
const KioskQuery = Type.Object({ kiosk: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })) })
const IdentifyBody = Type.Object(
  {
    phone: Type.String({ minLength: 3, maxLength: 32 }),
    consents: Type.Object(
      {
        membership: Type.Boolean(),
        marketing: Type.Optional(Type.Boolean()),
        followStore: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    kiosk: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })),
  },
  { additionalProperties: false },
)
const PlayBody = Type.Object(
  {
    playId: Type.String({
      pattern: '^[A-Za-z0-9_-]{16,64}$',
      description: 'Made by the page once per play; asking again returns the same play',
    }),
    player: Type.String({ minLength: 10, maxLength: 200 }),
    kiosk: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })),
  },
  { additionalProperties: false },
)
const PlayParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }) })
const DayParams = Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) })

export const kioskRoutes = fp(
  async (app) => {
    const { config, links, members, kiosk } = app.services
    const defaultKiosk = config.devices.find((d) => d.role === 'kiosk')?.id ?? null
    const kioskGuard = { onRequest: kioskAuth(app) }
    /** The kiosk device a request acts for: its credential's scanner, else the one it names, else the store's. */
    const kioskOf = (req: FastifyRequest, id: string | undefined) => {
      const bound = req.kioskIdentity?.device ?? null
      if (bound !== null && id !== undefined && id !== bound)
        throw Object.assign(new Error(`this kiosk's token is for ${bound}, not ${id}`), {
          statusCode: 403,
          code: 'wrong_kiosk',
        })
      const device = bound ?? id ?? defaultKiosk
      if (device !== null && !config.devices.some((d) => d.id === device && d.role === 'kiosk'))
        throw Object.assign(new Error(`${device} is not a kiosk scanner`), { statusCode: 404, code: 'unknown_kiosk' })
      return device
    }
    const playerToken = (memberId: string) => {
      const { exp, sig } = links.signature(`player/${memberId}`, PLAYER_TTL_MS)
      return `${memberId}.${exp}.${sig}`
    }
    const memberOf = (token: string): string => {
      const [memberId, exp, sig] = token.split('.')
      const check = memberId ? links.check(`player/${memberId}`, exp, sig) : 'bad_signature'
      if (check !== 'ok')
        throw Object.assign(
          new Error(
            check === 'expired' ? 'identify again: the player session ended' : 'not a player token from this gateway',
          ),
          { statusCode: 401, code: check === 'expired' ? 'player_expired' : 'bad_player' },
        )
      return memberId!
    }
    const player = (memberId: string) => ({
      player: playerToken(memberId),
      playsLeft: kiosk.service.playsLeft(memberId),
    })
    // Phones reach /v/{code} on the guest Wi-Fi: the kiosk's setting, else the portal's, else this listener.
    const phoneBase = config.kiosk.publicUrl ?? (config.portal.enabled ? config.portal.publicUrl : undefined)
    /** The play with the absolute address a phone opens (the page's QR). */
    const withUrl = (req: FastifyRequest, view: PlayView) => ({
      ...view,
      voucher: { ...view.voucher, url: `${publicBase(req, phoneBase)}${view.voucher.path}` },
    })

    serveFiles(app, join(packageRoot(), 'kiosk/ui'), {
      '/kiosk': 'index.html',
      '/kiosk/app.js': 'app.js',
      '/kiosk/app.css': 'app.css',
      '/kiosk/wheel.js': 'wheel.js',
      '/kiosk/rules.js': 'rules.js',
    })
    voucherPageRoutes(app)
    // Its own scope: the form parser it adds stays out of the back office's (which has its own).
    await app.register(async (scope) => memberInboxRoutes(scope))

    app.get<{ Querystring: Static<typeof KioskQuery> }>(
      '/api/kiosk/setup',
      { ...kioskGuard, schema: { tags: ['kiosk'], summary: 'What the kiosk page shows', querystring: KioskQuery } },
      async (req) => {
        const stock = kiosk.audit.stock()
        return {
          kiosk: kioskOf(req, req.query.kiosk),
          store: { name: config.store.name },
          brand: {
            primary: config.store.brand.primary,
            accent: config.store.brand.accent,
            logo: logoUrl(app),
          },
          title: config.kiosk.game.title ?? null,
          idleResetSeconds: config.kiosk.idleResetSeconds,
          playsPerDay: config.kiosk.game.playsPerMemberPerDay,
          // What the wheel shows: prizes in stock, and the consolation every play can win.
          prizes: [
            ...stock.prizes
              .filter((p) => p.remaining > 0)
              .map((p) => ({ id: p.id, name: kiosk.service.campaignName(p.campaign) })),
            ...(config.kiosk.game.consolation
              ? [{ id: CONSOLATION, name: kiosk.service.campaignName(config.kiosk.game.consolation.campaign) }]
              : []),
          ],
        }
      },
    )

    app.get(
      '/api/kiosk/rules',
      {
        ...kioskGuard,
        schema: {
          tags: ['kiosk'],
          summary: 'The game rules: every prize, units left, the chance of each, the draw record',
        },
      },
      async () => kiosk.service.rules(),
    )

    app.post<{ Body: Static<typeof IdentifyBody> }>(
      '/api/kiosk/identify',
      {
        ...kioskGuard,
        schema: {
          tags: ['kiosk'],
          summary: 'Who is playing: phone number with consent (enrols a new member)',
          body: IdentifyBody,
        },
      },
      async (req) => {
        const device = kioskOf(req, req.body.kiosk)
        await kiosk.limits.take(req.kioskIdentity!.name, 'identify')
        const { memberId, created } = await members.enrol({
          phone: req.body.phone,
          consents: req.body.consents,
          channel: 'kiosk',
          device,
        })
        return { ...player(memberId), created }
      },
    )

    app.get<{ Querystring: Static<typeof KioskQuery> }>(
      '/api/kiosk/scans',
      {
        ...kioskGuard,
        schema: {
          tags: ['kiosk'],
          summary: 'Member QR scans at this kiosk (Server-Sent Events)',
          querystring: KioskQuery,
        },
      },
      (req, reply) => {
        const device = kioskOf(req, req.query.kiosk)
        const res = openEventStream(reply)
        res.write(': connected\n\n')
        const unsubscribe = kiosk.scans.subscribe((scan) => {
          if (scan.device !== device) return
          const body = scan.kind === 'member' ? { kind: 'member', ...player(scan.memberId) } : scan
          res.write(`data: ${JSON.stringify(body)}\n\n`)
        })
        const heartbeat = setInterval(() => res.write(': hb\n\n'), HEARTBEAT_MS)
        req.raw.on('close', () => {
          clearInterval(heartbeat)
          unsubscribe()
        })
      },
    )

    app.post<{ Body: Static<typeof PlayBody> }>(
      '/api/kiosk/play',
      {
        ...kioskGuard,
        schema: {
          tags: ['kiosk'],
          summary: 'Play once: the prize is drawn here, the page animates it',
          body: PlayBody,
        },
      },
      async (req) => {
        const member = memberOf(req.body.player)
        const device = kioskOf(req, req.body.kiosk)
        await kiosk.limits.take(req.kioskIdentity!.name, 'play')
        return withUrl(req, await kiosk.service.play({ playId: req.body.playId, kiosk: device, member }))
      },
    )

    app.get<{ Params: Static<typeof PlayParams> }>(
      '/api/kiosk/plays/:id',
      {
        ...kioskGuard,
        schema: { tags: ['kiosk'], summary: 'A play again (after a reload mid-game)', params: PlayParams },
      },
      async (req) => {
        return withUrl(req, await kiosk.service.getPlay(req.params.id))
      },
    )

    app.get<{ Params: Static<typeof PlayParams> }>(
      '/api/kiosk/plays/:id/qr.svg',
      { ...kioskGuard, schema: { hide: true, params: PlayParams } },
      async (req, reply) => {
        const { voucher } = withUrl(req, await kiosk.service.getPlay(req.params.id))
        return reply
          .header('content-type', 'image/svg+xml')
          .header('cache-control', 'no-store')
          .send(qrSvg(voucher.url, { level: 'L' }))
      },
    )

    app.get<{ Headers: { 'x-player'?: string } }>(
      '/api/kiosk/my-vouchers',
      { ...kioskGuard, schema: { tags: ['kiosk'], summary: "The identified member's kiosk vouchers, newest first" } },
      async (req) => {
        const member = memberOf(req.headers['x-player'] ?? '')
        return { vouchers: kiosk.service.memberPlays(member).map((v) => withUrl(req, v)) }
      },
    )

    const admin = { onRequest: posAuthenticator(app) }
    app.get(
      '/api/kiosk/admin/stock',
      { ...admin, schema: { tags: ['kiosk'], summary: 'The prize lease and units left' } },
      async () => kiosk.audit.stock(),
    )
    app.get<{ Querystring: { day?: string } }>(
      '/api/kiosk/admin/plays',
      {
        ...admin,
        schema: {
          tags: ['kiosk'],
          summary: "A day's plays, newest first",
          querystring: Type.Object({ day: Type.Optional(DayParams.properties.day) }),
        },
      },
      async (req) => ({
        plays: kiosk.audit.plays(req.query.day ?? localDay(Date.now())),
      }),
    )
    app.get<{ Params: Static<typeof DayParams> }>(
      '/api/kiosk/admin/audit/:day',
      {
        ...admin,
        schema: {
          tags: ['kiosk'],
          summary: "The day's seed commitment; after the day, the seed and every draw re-verified",
          params: DayParams,
        },
      },
      async (req) => kiosk.audit.audit(req.params.day),
    )
  },
  { name: 'kiosk-routes' },
)

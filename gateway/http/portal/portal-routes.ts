/**
 * The portal's pages and forms: join (phone + consent, openNDS's FAS query carried
 * along), the one-time code, the welcome page (online, the game on the phone, my
 * vouchers, the store) and the prize. Forms post back here; `Accept: application/json`
 * gets the same answers as JSON (scripts, tests, a future app).
 */
import { logoUrl } from '../brand-routes.js'
import { randomBytes } from 'node:crypto'
import { memberLinkToken } from '../member-link.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ERROR_STATUS } from '../error-status.js'
import { PortalError, type JoinResult } from '../../portal/portal-service.js'
import { FasQueryError, parseFasQuery, type FasQuery } from '../../portal/controllers/opennds-fas.js'
import { KioskError } from '../../kiosk/kiosk-service.js'
import { valueText } from '../../till/till-text.js'
import {
  codePage,
  joinPage,
  prizePage,
  rulesPage,
  welcomePage,
  PORTAL_CSP,
  type Shell,
  type VoucherLine,
} from './portal-pages.js'
import { hasMessage, langOf as langOfRequest, nextLang, switchLabel, t, type Lang } from '../../i18n/messages.js'
import { guestOf, setGuestCookie } from './guest-identity.js'
import { portalCardRoutes } from './portal-card-routes.js'
import { publicBase } from '../public-base.js'
import { FormSchema, type Form } from './portal-form.js'

export function portalRoutes(app: FastifyInstance): void {
  const { config, links, kiosk, members, vouchers } = app.services
  const { service, sessions } = app.services.portal!
  const portal = config.portal
  const languages = config.store.languages
  const langOf = (from: unknown, acceptLanguage: string | undefined) => langOfRequest(from, acceptLanguage, languages)
  /** A refusal's words for the guest, or null when the catalog has none for its code. */
  const errorText = (lang: Lang, code: string) => {
    const key = `portal.errors.${code}`
    return hasMessage(key) ? t(lang, key) : null
  }
  const controller = portal.controller

  const voucherState = (code: string): VoucherLine['state'] => {
    const v = vouchers.validate(code)
    return v.ok ? 'valid' : v.reason === 'already_redeemed' ? 'used' : v.reason === 'expired' ? 'expired' : 'unusable'
  }
  /** The guest's session, while they are a member (a forgotten member joins again). */
  const memberGuest = (req: FastifyRequest) => {
    const guest = guestOf(req, sessions, links)
    return guest && members.consents(guest.member, 'membership') ? guest : null
  }
  const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json')
  const shell = (req: FastifyRequest, lang: Lang): Shell => {
    const url = new URL(req.url, 'http://x')
    url.searchParams.set('lang', nextLang(lang, languages))
    url.searchParams.delete('spin') // the wheel turns once, not again in the other language
    return {
      lang,
      switchLabel: switchLabel(lang, languages),
      storeName: config.store.name,
      primary: config.store.brand.primary,
      logo: logoUrl(app),
      otherLang: `${url.pathname}${url.search}`,
    }
  }
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PORTAL_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(body)
  const fasOf = (raw: string | undefined): FasQuery | undefined => {
    if (controller.type !== 'opennds') return undefined
    return parseFasQuery(raw, { gatewayAddresses: controller.gatewayAddresses, gatewayName: controller.gatewayName })
  }
  const joinForm = (
    req: FastifyRequest,
    lang: Lang,
    extra: {
      fas?: string
      phone?: string
      error?: string | null
      consents?: { marketing?: boolean; followStore?: boolean }
    },
  ) => joinPage(shell(req, lang), { action: '/portal/join', retentionMonths: portal.privacy.retentionMonths, ...extra })

  app.get<{ Querystring: Form }>('/portal', { schema: { hide: true, querystring: FormSchema } }, (req, reply) => {
    const lang = langOf(req.query, req.headers['accept-language'])
    if (controller.type === 'opennds') {
      try {
        fasOf(req.query.fas)
      } catch (err) {
        if (!(err instanceof FasQueryError)) throw err
        req.log.warn({ ip: req.ip, err: err.message }, 'FAS query refused')
        return html(reply, 400, joinForm(req, lang, { error: `${errorText(lang, 'bad_fas')} (${err.message})` }))
      }
    } else if (memberGuest(req)) return reply.redirect(`/portal/welcome?lang=${lang}`, 303)
    return html(reply, 200, joinForm(req, lang, { fas: req.query.fas }))
  })

  /** A finished login: the cookie, then the controller's next stop (openNDS: the router's auth link). */
  const done = (req: FastifyRequest, reply: FastifyReply, lang: Lang, result: JoinResult & { step: 'done' }) => {
    setGuestCookie(reply, result.session, links)
    if (wantsJson(req))
      return reply.send({
        step: 'done',
        next: result.next,
        session: result.session.id,
        expiresAt: result.session.expiresAt,
        created: result.created,
      })
    return reply.redirect(result.next.includes('/portal/welcome') ? `${result.next}?lang=${lang}` : result.next, 303)
  }
  const refused = (req: FastifyRequest, reply: FastifyReply, err: unknown, render: (message: string) => string) => {
    if (!(err instanceof PortalError)) throw err
    const lang = langOf(req.body, undefined)
    if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds))
    if (wantsJson(req))
      return reply.code(ERROR_STATUS[err.code]).send({
        error: err.code,
        message: err.message,
        ...(err.attemptsLeft !== undefined ? { attemptsLeft: err.attemptsLeft } : {}),
      })
    return html(
      reply,
      ERROR_STATUS[err.code],
      render(`${errorText(lang, err.code) ?? err.code}${err.code === 'wrong_code' ? ` (${err.attemptsLeft})` : ''}`),
    )
  }

  app.post<{ Body: Form }>('/portal/join', { schema: { hide: true, body: FormSchema } }, async (req, reply) => {
    const f = req.body ?? {}
    const lang = langOf(f, req.headers['accept-language'])
    const consents = {
      membership: f.membership === 'yes',
      marketing: f.marketing === 'yes',
      followStore: f.followStore === 'yes',
    }
    const again = (error: string) => joinForm(req, lang, { fas: f.fas, phone: f.phone, error, consents })
    try {
      let fas: FasQuery | undefined
      try {
        fas = fasOf(f.fas)
      } catch (err) {
        if (err instanceof FasQueryError) throw new PortalError('bad_fas', err.message)
        throw err
      }
      const landing = `${publicBase(req, portal.publicUrl)}/portal/welcome`
      const result = await service.join({ ip: req.ip, phone: String(f.phone ?? ''), consents, lang, landing, fas })
      if (result.step === 'done') return done(req, reply, lang, result)
      if (wantsJson(req)) return reply.send(result)
      return html(
        reply,
        200,
        codePage(shell(req, lang), {
          action: '/portal/verify',
          challenge: result.challenge,
          phoneEnd: result.phoneEnd,
          restart: `/portal?lang=${lang}`,
        }),
      )
    } catch (err) {
      return refused(req, reply, err, again)
    }
  })

  app.post<{ Body: Form }>('/portal/verify', { schema: { hide: true, body: FormSchema } }, async (req, reply) => {
    const f = req.body ?? {}
    const lang = langOf(f, undefined)
    try {
      return done(
        req,
        reply,
        lang,
        (await service.verify(String(f.challenge ?? ''), String(f.code ?? ''), req.ip)) as JoinResult & {
          step: 'done'
        },
      )
    } catch (err) {
      return refused(req, reply, err, (error) =>
        err instanceof PortalError && err.code === 'wrong_code'
          ? codePage(shell(req, lang), {
              action: '/portal/verify',
              challenge: String(f.challenge),
              phoneEnd: '····',
              error,
              restart: `/portal?lang=${lang}`,
            })
          : joinForm(req, lang, { error }),
      )
    }
  })

  /** The member's inbox link, once the store has written to them. */
  const inboxOf = (member: string, lang: Lang) => {
    const got = app.services.messages.inbox(member).length
    if (got === 0) return null
    const token = memberLinkToken(app.services.links, member)
    return { unread: app.services.messages.unread(member), path: `/m/${token}?lang=${lang}` }
  }
  const welcome = (req: FastifyRequest, reply: FastifyReply, lang: Lang, gameError: string | null = null) => {
    const guest = memberGuest(req)
    if (!guest) return reply.redirect(`/portal?lang=${lang}`, 303)
    const plays = kiosk.service.memberPlays(guest.member)
    return html(
      reply,
      gameError ? 409 : 200,
      welcomePage(shell(req, lang), {
        minutesLeft: Math.max(0, Math.round((guest.expiresAt - Date.now()) / 60_000)),
        playsLeft: kiosk.service.playsLeft(guest.member),
        playId: randomBytes(16).toString('base64url'),
        playAction: '/portal/play',
        rulesPath: `/portal/rules?lang=${lang}`,
        gameError,
        vouchers: plays.map((p) => ({
          name: p.prize.name,
          path: p.voucher.path,
          expiresAt: p.voucher.expiresAt,
          state: voucherState(p.voucher.code),
        })),
        following: members.consents(guest.member, 'follow_store'),
        store: portal.store,
        messages: inboxOf(guest.member, lang),
        card: app.services.config.cards.enabled
          ? { ...app.services.cards.summary(guest.member), path: `/portal/card?lang=${lang}` }
          : null,
      }),
    )
  }
  portalCardRoutes(app, { langOf, memberGuest, shell, html })
  app.get<{ Querystring: Form }>('/portal/rules', { schema: { hide: true } }, (req, reply) => {
    const lang = langOf(req.query, req.headers['accept-language'])
    return html(reply, 200, rulesPage(shell(req, lang), kiosk.service.rules(), `/portal/welcome?lang=${lang}`))
  })
  app.get<{ Querystring: Form }>('/portal/welcome', { schema: { hide: true } }, (req, reply) =>
    welcome(req, reply, langOf(req.query, req.headers['accept-language'])),
  )

  app.post<{ Body: Form }>('/portal/play', { schema: { hide: true, body: FormSchema } }, async (req, reply) => {
    const f = req.body ?? {}
    const lang = langOf(f, undefined)
    const guest = memberGuest(req)
    if (!guest) return reply.redirect(`/portal?lang=${lang}`, 303)
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(f.playId ?? ''))
      return welcome(req, reply, lang, errorText(lang, 'invalid_request'))
    try {
      // The play id comes with the page, so a double tap or a resubmit is the same play.
      await kiosk.service.play({ playId: f.playId!, kiosk: null, member: guest.member, phone: true })
      return reply.redirect(`/portal/prize/${f.playId}?lang=${lang}&spin=1`, 303)
    } catch (err) {
      if (err instanceof KioskError) return welcome(req, reply, lang, errorText(lang, err.code) ?? err.message)
      throw err
    }
  })

  app.get<{ Params: { id: string }; Querystring: Form }>(
    '/portal/prize/:id',
    { schema: { hide: true } },
    (req, reply) => {
      const lang = langOf(req.query, req.headers['accept-language'])
      const guest = memberGuest(req)
      if (!guest) return reply.redirect(`/portal?lang=${lang}`, 303)
      let play
      try {
        play = kiosk.service.getPlay(req.params.id)
      } catch (err) {
        if (err instanceof KioskError) return reply.redirect(`/portal/welcome?lang=${lang}`, 303)
        throw err
      }
      if (play.member !== guest.member) return reply.redirect(`/portal/welcome?lang=${lang}`, 303)
      const value = play.prize.value ? valueText(play.prize.value)[lang] : null
      // The wheel shows the prizes as they are now; the one won is on it even if it was the last unit.
      const prizes = kiosk.service.rules().prizes.map((p) => ({ id: p.id, name: p.name }))
      if (!prizes.some((p) => p.id === play.prize.id)) prizes.push({ id: play.prize.id, name: play.prize.name })
      return html(
        reply,
        200,
        prizePage(shell(req, lang), {
          name: play.prize.name,
          value,
          path: play.voucher.path,
          back: `/portal/welcome?lang=${lang}`,
          wheel: {
            names: prizes.map((p) => p.name),
            won: prizes.findIndex((p) => p.id === play.prize.id),
            spin: req.query.spin === '1',
          },
        }),
      )
    },
  )
}

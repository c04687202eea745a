/**
 * The member's own card on their phone (/portal/card: balance, statement, live member QR)
 * and "forget me" (/portal/forget), on the guest listener as the logged-in guest.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FormSchema, type Form } from './portal-form.js'
import { MemberError } from '../../members/member-service.js'
import { qrSvg } from '../../kiosk/qr-svg.js'
import { t, type Lang } from '../../i18n/messages.js'
import { cardPage, forgetPage, forgottenPage } from './card-page.js'
import type { Shell } from './portal-pages.js'

/** What the portal's routes share with these. */
export interface PortalKit {
  langOf(from: unknown, acceptLanguage: string | undefined): Lang
  memberGuest(req: FastifyRequest): { member: string } | null
  shell(req: FastifyRequest, lang: Lang): Shell
  html(reply: FastifyReply, status: number, body: string): FastifyReply
}

export function portalCardRoutes(app: FastifyInstance, kit: PortalKit): void {
  const { members, cards } = app.services
  const { langOf, memberGuest, shell, html } = kit

  app.get<{ Querystring: Form }>('/portal/card', { schema: { hide: true } }, (req, reply) => {
    const lang = langOf(req.query, req.headers['accept-language'])
    const guest = memberGuest(req)
    if (!guest) return reply.redirect(`/portal?lang=${lang}`, 303)
    const card = cards.summary(guest.member)
    const page = cardPage(shell(req, lang), {
      qrSvg: qrSvg(members.currentCode(guest.member), { level: 'M' }),
      currency: card.currency,
      principal: card.principal,
      bonus: card.bonus,
      statement: cards.statement(guest.member, 20),
      back: `/portal/welcome?lang=${lang}`,
      forget: `/portal/forget?lang=${lang}`,
    })
    // The member QR changes every 30 s: the page fetches a fresh one by itself (no script needed).
    return html(reply.header('refresh', '25'), 200, page)
  })
  const forgetForm = (req: FastifyRequest, reply: FastifyReply, lang: Lang, error: string | null) =>
    html(
      reply,
      error ? 409 : 200,
      forgetPage(shell(req, lang), { action: '/portal/forget', back: `/portal/card?lang=${lang}`, error }),
    )
  app.get<{ Querystring: Form }>('/portal/forget', { schema: { hide: true } }, (req, reply) => {
    const lang = langOf(req.query, req.headers['accept-language'])
    if (!memberGuest(req)) return reply.redirect(`/portal?lang=${lang}`, 303)
    return forgetForm(req, reply, lang, null)
  })
  app.post<{ Body: Form }>('/portal/forget', { schema: { hide: true, body: FormSchema } }, async (req, reply) => {
    const f = req.body ?? {}
    const lang = langOf(f, undefined)
    const guest = memberGuest(req)
    if (!guest) return reply.redirect(`/portal?lang=${lang}`, 303)
    if (f.confirm !== 'yes') return forgetForm(req, reply, lang, t(lang, 'portal.forgetTick'))
    try {
      await members.forget(guest.member, 'request', 'member')
    } catch (err) {
      if (!(err instanceof MemberError)) throw err
      if (err.code === 'card_not_empty') return forgetForm(req, reply, lang, t(lang, 'portal.forgetCardNotEmpty'))
    }
    return html(reply, 200, forgottenPage(shell(req, lang), `/portal?lang=${lang}`))
  })
}

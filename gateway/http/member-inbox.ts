/**
 * /m/{token}: a member's messages from the store on their phone — the inbox, each message
 * (opening it counts for attribution), its picture, its personal voucher (the /v/ page),
 * and "stop messages", which withdraws following the store and offers at once. The token
 * is the member's signed link (member-link.ts): whoever holds it reads that member's
 * messages and nothing else. Server-rendered, no script, like the voucher page: it opens
 * in a captive mini-browser and over the store Wi-Fi with the internet down.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static, type TProperties } from '@sinclair/typebox'
import { LANGS, type Lang } from '../../config/schema-parts.js'
import { langOf, t } from '../i18n/messages.js'
import { esc } from './html.js'
import { memberOfLink } from './member-link.js'
import { sendPhonePage, when } from './voucher-page.js'

const Token = Type.String({ minLength: 10, maxLength: 120, pattern: '^[0-9a-f]{20}\\.\\d{1,12}\\.[A-Za-z0-9_-]{43}$' })
const MessageId = Type.String({ minLength: 36, maxLength: 36, pattern: '^[0-9a-f-]{36}$' })
const Query = Type.Object({ lang: Type.Optional(Type.Union(LANGS.map((l) => Type.Literal(l)))) })
type Params = { token: string; message?: string }

export function memberInboxRoutes(app: FastifyInstance): void {
  const { messages, links, config } = app.services
  // "Stop messages" is a form with no fields: the browser still sends it urlencoded.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded'))
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) =>
      done(null, {}),
    )
  const store = config.store.name
  const languages = config.store.languages

  const langFor = (req: FastifyRequest) => langOf(req.query as object, req.headers['accept-language'], languages)
  const send = (reply: FastifyReply, lang: Lang, title: string, body: string, status = 200) =>
    sendPhonePage(app, reply, lang, title, body, status)
  /** The member the link names, or the page saying the link is no good (sent). */
  const memberOf = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, lang: Lang): string | null => {
    const member = memberOfLink(links, req.params.token)
    if (member) return member
    void send(
      reply,
      lang,
      t(lang, 'inbox.title', { store }),
      `<div class="bad">${esc(t(lang, 'inbox.badLink'))}</div>`,
      404,
    )
    return null
  }
  /** The message in the page's language, else in the first it was written in. */
  const text = (lang: Lang, local: Record<string, string>) => local[lang] ?? Object.values(local)[0] ?? ''
  const base = (req: FastifyRequest<{ Params: Params }>) => `/m/${req.params.token}`
  const schema = (params: TProperties) => ({ hide: true, params: Type.Object(params), querystring: Query })

  app.get<{ Params: Params; Querystring: Static<typeof Query> }>(
    '/m/:token',
    { schema: schema({ token: Token }) },
    (req, reply) => {
      const lang = langFor(req)
      const member = memberOf(req, reply, lang)
      if (!member) return reply
      const lines = messages.inbox(member)
      const items = lines.map(
        (l) =>
          `<li><a href="${base(req)}/${l.id}?lang=${lang}"><span class="t">${esc(text(lang, l.title))}</span>${
            l.openedAt === null ? `<span class="new">${esc(t(lang, 'inbox.new'))}</span>` : ''
          }<span class="d">${esc(when(l.deliveredAt, lang))}</span></a></li>`,
      )
      const body = `<h1>${esc(t(lang, 'inbox.title', { store }))}</h1>${
        items.length
          ? `<ul class="inbox">${items.join('')}</ul>`
          : `<p class="muted">${esc(t(lang, 'inbox.empty'))}</p>`
      }<p><a class="link" href="${base(req)}/unsubscribe?lang=${lang}">${esc(t(lang, 'inbox.stop', { store }))}</a></p>`
      return send(reply, lang, t(lang, 'inbox.title', { store }), body)
    },
  )

  app.get<{ Params: Params; Querystring: Static<typeof Query> }>(
    '/m/:token/unsubscribe',
    { schema: schema({ token: Token }) },
    (req, reply) => {
      const lang = langFor(req)
      if (!memberOf(req, reply, lang)) return reply
      const body = `<h1>${esc(t(lang, 'inbox.stopTitle', { store }))}</h1><p>${esc(t(lang, 'inbox.stopExplain', { store }))}</p>
<form method="post" action="${base(req)}/unsubscribe?lang=${lang}"><button class="button" type="submit">${esc(t(lang, 'inbox.stopButton'))}</button></form>
<p><a class="link" href="${base(req)}?lang=${lang}">${esc(t(lang, 'inbox.back'))}</a></p>`
      return send(reply, lang, t(lang, 'inbox.stopTitle', { store }), body)
    },
  )

  app.post<{ Params: Params; Querystring: Static<typeof Query> }>(
    '/m/:token/unsubscribe',
    { schema: schema({ token: Token }) },
    async (req, reply) => {
      const lang = langFor(req)
      const member = memberOf(req, reply, lang)
      if (!member) return reply
      await messages.unsubscribe(member, config.members.consentVersion)
      return send(
        reply,
        lang,
        t(lang, 'inbox.stopTitle', { store }),
        `<h1>${esc(t(lang, 'inbox.stopped', { store }))}</h1>
<p class="muted">${esc(t(lang, 'inbox.stoppedMore'))}</p>`,
      )
    },
  )

  app.get<{ Params: Params; Querystring: Static<typeof Query> }>(
    '/m/:token/:message',
    { schema: schema({ token: Token, message: MessageId }) },
    async (req, reply) => {
      const lang = langFor(req)
      const member = memberOf(req, reply, lang)
      if (!member) return reply
      const line = messages.inbox(member).find((l) => l.id === req.params.message)
      if (!line)
        return send(
          reply,
          lang,
          t(lang, 'inbox.title', { store }),
          `<div class="bad">${esc(t(lang, 'inbox.noMessage'))}</div>`,
          404,
        )
      if (line.openedAt === null) await messages.open(member, line.id)
      const voucher = line.voucher
        ? `<a class="button" href="/v/${encodeURIComponent(messages.voucherCode(member, line.voucher))}?lang=${lang}">${esc(t(lang, 'inbox.voucher'))}</a>`
        : ''
      const image = line.hasImage ? `<img class="msg-img" alt="" src="${base(req)}/${line.id}/image">` : ''
      const body = `<h1>${esc(text(lang, line.title))}</h1><p class="muted">${esc(when(line.deliveredAt, lang))}</p>${image}
<p class="text">${esc(text(lang, line.body))}</p>${voucher}
<p><a class="link" href="${base(req)}?lang=${lang}">${esc(t(lang, 'inbox.back'))}</a></p>
<p><a class="link" href="${base(req)}/unsubscribe?lang=${lang}">${esc(t(lang, 'inbox.stop', { store }))}</a></p>`
      return send(reply, lang, text(lang, line.title), body)
    },
  )

  app.get<{ Params: Params }>(
    '/m/:token/:message/image',
    { schema: { hide: true, params: Type.Object({ token: Token, message: MessageId }) } },
    (req, reply) => {
      const member = memberOfLink(links, req.params.token)
      const image =
        member && messages.inbox(member).some((l) => l.id === req.params.message)
          ? messages.image(req.params.message!)
          : null
      if (!image) return reply.code(404).send({ error: 'not_found', message: 'no such picture' })
      return reply
        .header('content-type', image.type)
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(image.bytes)
    },
  )
}

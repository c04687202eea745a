/**
 * What every page of the back office shares: who is logged in (an idle, logged-out or
 * removed user's session is over), the manager's language, the page frame, and the role
 * check — staff reach the overview, vouchers and the print queue; the rest is for
 * managers (PAGES in admin-pages.ts says which).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { LANGS, type Lang } from '../../../config/schema-parts.js'
import type { AdminUser } from '../../admin/admin-auth.js'
import { langOf, t } from '../../i18n/messages.js'
import { PAGE_CSP } from '../static-files.js'
import { consolePage, forbiddenBody, mayOpen, type Frame, type PageSpec } from './admin-pages.js'

export interface ConsoleKit {
  langFor(req: FastifyRequest): Lang
  frame(req: FastifyRequest, lang: Lang): Frame
  userOf(req: FastifyRequest): AdminUser | null
  html(reply: FastifyReply, status: number, body: string): FastifyReply
  /** A console page for a user allowed on `spec.path`; else the login (then back here) or a 403 page. */
  page(
    req: FastifyRequest,
    reply: FastifyReply,
    spec: PageSpec,
    body: (user: AdminUser, lang: Lang, csrf: string) => string,
    /** A page that says why a form was refused is sent with the refusal's status. */
    status?: number,
  ): FastifyReply
  /** The user behind a JSON call allowed on `path`, or null once a 401/403 is sent. */
  apiUser(req: FastifyRequest, reply: FastifyReply, path: string): AdminUser | null
}

export function consoleKit(app: FastifyInstance): ConsoleKit {
  const { config, admin } = app.services
  const idleMs = config.admin.sessionIdleMinutes * 60_000
  const languages = config.store.languages

  /** ?lang= (sticks in the session), else the session's, else the browser's. */
  const langFor = (req: FastifyRequest): Lang => {
    const asked = (req.query as { lang?: string }).lang
    if (asked && (LANGS as readonly string[]).includes(asked) && languages.includes(asked as Lang)) {
      req.session.set('lang', asked as Lang)
      return asked as Lang
    }
    return req.session.get('lang') ?? langOf({}, req.headers['accept-language'], languages)
  }
  const frame = (req: FastifyRequest, lang: Lang): Frame => ({
    lang,
    languages,
    storeName: config.store.name,
    path: req.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, ''),
  })
  const userOf = (req: FastifyRequest): AdminUser | null => {
    const id = req.session.get('user')
    if (!id) return null
    const user = admin.user(id)
    const fresh = Date.now() - (req.session.get('seen') ?? 0) < idleMs
    if (!user || req.session.get('epoch') !== admin.epoch(id) || !fresh) return null
    req.session.set('seen', Date.now()) // idle time counts from the last request
    return user
  }
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .send(body)

  return {
    langFor,
    frame,
    userOf,
    html,
    page(req, reply, spec, body, status = 200) {
      const lang = langFor(req)
      const user = userOf(req)
      if (!user) {
        const ended = req.session.get('user') !== undefined
        req.session.set('user', undefined)
        return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}${ended ? '&ended=1' : ''}`, 303)
      }
      const csrf = reply.generateCsrf()
      if (!mayOpen(user.role, spec.path))
        return html(reply, 403, consolePage(frame(req, lang), user, csrf, spec, forbiddenBody(lang)))
      return html(reply, status, consolePage(frame(req, lang), user, csrf, spec, body(user, lang, csrf)))
    },
    apiUser(req, reply, path) {
      const user = userOf(req)
      if (!user) {
        void reply.code(401).send({ error: 'login_required', message: 'log in at /admin/login' })
        return null
      }
      if (!mayOpen(user.role, path)) {
        void reply.code(403).send({ error: 'manager_only', message: t('en', 'admin.managerOnly') })
        return null
      }
      return user
    },
  }
}

/**
 * /admin, the manager's console, on the main listener only (guest addresses are refused
 * there). Sessions are @fastify/secure-session cookies (encrypted, HttpOnly,
 * SameSite=Strict, path /admin) under a key made at start, so a restart ends them; idle
 * ones end after admin.sessionIdleMinutes, and logging out ends all of a user's (an epoch
 * per user). Every form carries a CSRF token (@fastify/csrf-protection); login attempts
 * are rate limited per address (@fastify/rate-limit) and locked per user (AdminAuth).
 */
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import secureSession from '@fastify/secure-session'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import { LANGS, type Lang } from '../../../config/schema-parts.js'
import { AdminLoginError, type AdminUser } from '../../admin/admin-auth.js'
import { langOf, t } from '../../i18n/messages.js'
import { packageRoot } from '../../version.js'
import { PAGE_CSP, serveFiles } from '../static-files.js'
import { consolePage, loginPage, overviewBody, trendsBody, type Frame, type Range } from './admin-pages.js'
import { overviewApi } from './overview-api.js'
import { figuresApi } from './figures-api.js'

declare module '@fastify/secure-session' {
  interface SessionData {
    user: string
    epoch: number
    seen: number
    lang: Lang
  }
}

/** Where a login may send the manager back to: a page of the console, nothing else. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/admin(\/[\w/-]*)?(\?[\w=&%.-]*)?$/.test(next) && next !== '/admin/login'
    ? next
    : '/admin'

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const { config, admin } = app.services
  const idleMs = config.admin.sessionIdleMinutes * 60_000
  const languages = config.store.languages

  await app.register(secureSession, {
    key: randomBytes(32),
    cookieName: 'tillside_admin',
    // The cookie's own limit is a backstop; the idle check below ends sessions (and can say so).
    expiry: 12 * 3600,
    cookie: { path: '/admin', httpOnly: true, sameSite: 'strict' },
  })
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' })
  await app.register(formbody, { bodyLimit: 4096 })
  await app.register(rateLimit, { global: false })

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

  /** The logged-in user, or null (an idle, logged-out or removed user's session is over). */
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
  /** A page for a logged-in user; else the login, which brings them back here afterwards. */
  const page = (req: FastifyRequest, reply: FastifyReply, draw: (user: AdminUser, lang: Lang) => string) => {
    const lang = langFor(req)
    const user = userOf(req)
    if (!user) {
      const ended = req.session.get('user') !== undefined
      req.session.set('user', undefined)
      return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}${ended ? '&ended=1' : ''}`, 303)
    }
    return html(reply, 200, draw(user, lang))
  }

  serveFiles(app, join(packageRoot(), 'gateway/http/pages/admin'), {
    '/admin/app.js': 'app.js',
    '/admin/trends.js': 'trends.js',
    '/admin/app.css': 'app.css',
  })
  // uPlot draws the charts: small (150 KB) and served from here, so they work offline.
  const uplot = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist')
  serveFiles(app, uplot, { '/admin/uplot.js': 'uPlot.esm.js', '/admin/uplot.css': 'uPlot.min.css' })

  app.get('/admin/login', { schema: { hide: true } }, (req, reply) => {
    const lang = langFor(req)
    const q = req.query as { next?: string; ended?: string }
    return html(
      reply,
      200,
      loginPage(frame(req, lang), {
        csrf: reply.generateCsrf(),
        next: safeNext(q.next),
        notice: q.ended ? t(lang, 'admin.sessionEnded') : null,
        noUsers: !admin.hasUsers,
      }),
    )
  })

  app.post<{ Body: { user?: string; password?: string; next?: string } }>(
    '/admin/login',
    {
      schema: { hide: true },
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const lang = langFor(req)
      const id = String(req.body?.user ?? '').trim()
      const again = (error: string) =>
        html(
          reply,
          401,
          loginPage(frame(req, lang), {
            csrf: reply.generateCsrf(),
            next: safeNext(req.body?.next),
            user: id,
            error,
            noUsers: !admin.hasUsers,
          }),
        )
      try {
        const user = await admin.login(id, String(req.body?.password ?? ''), req.ip)
        req.session.set('user', user.id)
        req.session.set('epoch', admin.epoch(user.id))
        req.session.set('seen', Date.now())
        return reply.redirect(safeNext(req.body?.next), 303)
      } catch (err) {
        if (!(err instanceof AdminLoginError)) throw err
        if (err.code === 'locked_out')
          return again(t(lang, 'admin.lockedOut', { count: Math.max(1, Math.ceil(err.retryAfterSeconds / 60)) }))
        return again(t(lang, 'admin.badLogin'))
      }
    },
  )

  app.post('/admin/logout', { schema: { hide: true }, preHandler: app.csrfProtection }, async (req, reply) => {
    const user = userOf(req)
    if (user) await admin.logout(user.id)
    req.session.delete()
    return reply.redirect('/admin/login', 303)
  })

  app.get('/admin', { schema: { hide: true } }, (req, reply) =>
    page(req, reply, (user, lang) =>
      consolePage(
        frame(req, lang),
        user,
        reply.generateCsrf(),
        { path: '/admin', title: t(lang, 'admin.overview'), script: '/admin/app.js' },
        overviewBody(lang),
      ),
    ),
  )

  app.get('/admin/trends', { schema: { hide: true } }, (req, reply) => {
    const asked = (req.query as { range?: string }).range
    const range: Range = asked === '7' || asked === '30' || asked === '90' ? asked : 'today'
    return page(req, reply, (user, lang) =>
      consolePage(
        frame(req, lang),
        user,
        reply.generateCsrf(),
        {
          path: '/admin/trends',
          title: t(lang, 'admin.trends'),
          script: '/admin/trends.js',
          styles: ['/admin/uplot.css'],
        },
        trendsBody(lang, range),
      ),
    )
  })

  overviewApi(app, userOf)
  figuresApi(app, userOf)
}

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
import type { FastifyInstance } from 'fastify'
import secureSession from '@fastify/secure-session'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import type { Lang } from '../../../config/schema-parts.js'
import { AdminLoginError } from '../../admin/admin-auth.js'
import { t } from '../../i18n/messages.js'
import { packageRoot } from '../../version.js'
import { serveFiles } from '../static-files.js'
import { loginPage, overviewBody, trendsBody, type Range } from './admin-pages.js'
import { consoleKit } from './console-kit.js'
import { campaignsPage } from './campaigns-page.js'
import { voucherLookupPage } from './voucher-lookup-page.js'
import { printQueuePage } from './print-queue-page.js'
import { membersPage } from './members-page.js'
import { messagesPage } from './messages-page.js'
import { exportRoutes } from './export-routes.js'
import { reportPage } from './report-page.js'
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
  const { admin } = app.services

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

  const kit = consoleKit(app)
  const { langFor, frame, userOf, html } = kit

  serveFiles(app, join(packageRoot(), 'gateway/http/pages/admin'), {
    '/admin/app.js': 'app.js',
    '/admin/trends.js': 'trends.js',
    '/admin/app.css': 'app.css',
    '/admin/report.js': 'report.js',
    '/admin/messages.js': 'messages.js',
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
    kit.page(req, reply, { path: '/admin', title: 'admin.overview', script: '/admin/app.js' }, (_user, lang) =>
      overviewBody(lang),
    ),
  )

  app.get('/admin/trends', { schema: { hide: true } }, (req, reply) => {
    const asked = (req.query as { range?: string }).range
    const range: Range = asked === '7' || asked === '30' || asked === '90' ? asked : 'today'
    const spec = {
      path: '/admin/trends',
      title: 'admin.trends',
      script: '/admin/trends.js',
      styles: ['/admin/uplot.css'],
    } as const
    return kit.page(req, reply, spec, (_user, lang) => trendsBody(lang, range))
  })

  overviewApi(app, kit)
  figuresApi(app, kit)
  campaignsPage(app, kit)
  voucherLookupPage(app, kit)
  printQueuePage(app, kit)
  membersPage(app, kit)
  messagesPage(app, kit)
  exportRoutes(app, kit)
  reportPage(app, kit)
}

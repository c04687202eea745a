/**
 * /admin/print: each printer with its state and latest jobs; a job cut off mid-print
 * (interrupted: maybe on paper, maybe not) waits here for a person to look at the
 * customer's slip and reprint or cancel it. Reprints and cancels are journaled with who
 * did them (admin:<user>). Staff may use it: the person at the counter decides.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import type { Lang } from '../../../config/schema-parts.js'
import { t, wordsFor } from '../../i18n/messages.js'
import { PrintError } from '../../print/print-service.js'
import type { PrintJob } from '../../store/read/print-reads.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { table, when } from './page-parts.js'

const JobParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' }) })
const SPEC = { path: '/admin/print', title: 'admin.printQueue' } as const
const REPRINTABLE = new Set(['interrupted', 'failed', 'done', 'cancelled'])
const CANCELLABLE = new Set(['queued', 'interrupted'])

export function printQueuePage(app: FastifyInstance, kit: ConsoleKit): void {
  const { print, backOffice } = app.services

  app.get('/admin/print', { schema: { hide: true } }, (req, reply) => {
    const done = (req.query as { done?: string }).done
    return kit.page(req, reply, SPEC, (_user, lang, csrf) => {
      const notice =
        done === 'reprint' || done === 'cancel'
          ? `<p class="notice" role="status">${t(lang, done === 'reprint' ? 'admin.reprinted' : 'admin.cancelled')}</p>`
          : ''
      const cards = print.printers().map((p) => {
        const rows = print.jobs(p.id).map((j) => jobRow(lang, j, csrf))
        const head = [
          t(lang, 'admin.when'),
          t(lang, 'admin.jobKind'),
          t(lang, 'admin.jobState'),
          t(lang, 'admin.jobProblem'),
          '',
        ]
        return `<section class="card printer"><h2>${esc(backOffice.printerName(p.id))}</h2>
<p>${esc(wordsFor(lang, 'admin.state', p.state))} · ${esc(t(lang, 'admin.queued', { count: p.queued }))}</p>
${table(head, rows, { empty: t(lang, 'admin.noJobs') })}</section>`
      })
      return `<h1>${t(lang, 'admin.printQueue')}</h1>${notice}<p class="muted">${t(lang, 'admin.printHelp')}</p>${cards.join('')}`
    })
  })

  app.get<{ Params: Static<typeof JobParams> }>(
    '/admin/print/:id/preview',
    { schema: { hide: true, params: JobParams } },
    (req, reply) => {
      if (!kit.apiUser(req, reply, SPEC.path)) return reply
      return reply
        .header('content-type', 'image/svg+xml; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .header('cache-control', 'no-store')
        .send(print.preview(req.params.id))
    },
  )

  for (const action of ['reprint', 'cancel'] as const)
    app.post<{ Params: Static<typeof JobParams> }>(
      `/admin/print/:id/${action}`,
      { schema: { hide: true, params: JobParams }, preHandler: app.csrfProtection },
      async (req, reply) => {
        const user = kit.apiUser(req, reply, SPEC.path)
        if (!user) return reply
        try {
          if (action === 'reprint') await print.reprint(req.params.id, `admin:${user.id}`)
          else await print.cancel(req.params.id, `admin:${user.id}`)
        } catch (err) {
          // A job another person just cancelled, or one that finished meanwhile: say so on the page.
          if (!(err instanceof PrintError)) throw err
          const lang = kit.langFor(req)
          return kit.page(
            req,
            reply,
            SPEC,
            () => `<h1>${t(lang, 'admin.printQueue')}</h1>
<p class="error" role="alert">${esc(t(lang, err.code === 'unknown_job' ? 'admin.noSuchJob' : 'admin.jobMovedOn'))}</p>
<p><a href="/admin/print">${t(lang, 'admin.backToQueue')}</a></p>`,
          )
        }
        return reply.redirect(`/admin/print?done=${action}`, 303)
      },
    )
}

function jobRow(lang: Lang, j: PrintJob, csrf: string): string[] {
  const form = (action: 'reprint' | 'cancel') =>
    `<form method="post" action="/admin/print/${j.id}/${action}"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit" class="${action === 'cancel' ? 'secondary' : ''}">${t(lang, action === 'reprint' ? 'admin.reprint' : 'admin.cancelJob')}</button></form>`
  const actions = [
    `<a href="/admin/print/${j.id}/preview" target="_blank" rel="noopener">${t(lang, 'admin.preview')}</a>`,
    REPRINTABLE.has(j.state) ? form('reprint') : '',
    CANCELLABLE.has(j.state) ? form('cancel') : '',
  ]
  return [
    `<time id="job-${j.id}">${esc(when(lang, j.createdAt))}</time>`,
    esc(wordsFor(lang, 'admin.jobKinds', j.kind)) +
      (j.reprintOf ? ` <span class="muted">(${t(lang, 'admin.aReprint')})</span>` : ''),
    `<span class="job ${j.state}">${esc(wordsFor(lang, 'admin.job', j.state))}</span>`,
    problem(lang, j),
    `<div class="actions">${actions.join('')}</div>`,
  ]
}

/** Why a job needs a person, in words; the printer's own message stays in the tooltip for support. */
function problem(lang: Lang, j: PrintJob): string {
  if (j.state !== 'interrupted' && j.state !== 'failed') return ''
  const words = t(lang, j.state === 'interrupted' ? 'admin.jobCutOff' : 'admin.jobFailedWhy')
  return `<span title="${esc(j.lastError ?? '')}">${esc(words)}</span>`
}

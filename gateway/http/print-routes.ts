/** Printers and print jobs (/api/print/*): status, test page, voucher slips, job lookup, preview, reprint, cancel. */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { voucherSlip, testPage } from '../print/templates.js'
import { ErrorBody } from './error-schema.js'
import { posAuthenticator } from './pos-auth.js'
import { Nullable } from './schema-types.js'

const PREVIEW_LINK_DAYS = 7
const JobParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' }) })
const PrinterId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,47}$' })
const PreviewUrl = Type.String({
  description: `the job's preview as a signed link, valid ${PREVIEW_LINK_DAYS} days, that opens without a token`,
})
const Accepted = Type.Object({
  jobId: Type.String(),
  repeated: Type.Boolean(),
  state: Type.String(),
  previewUrl: PreviewUrl,
})
const Job = Type.Object({
  id: Type.String(),
  printer: Type.String(),
  kind: Type.String(),
  state: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  reprintOf: Nullable(Type.String()),
  createdAt: Type.Integer(),
  finishedAt: Nullable(Type.Integer()),
  previewUrl: PreviewUrl,
})
const PreviewQuery = Type.Object({ exp: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) })
export const PrinterStatus = Type.Object({
  id: Type.String(),
  state: Type.String(),
  problem: Nullable(Type.String()),
  queued: Type.Integer(),
  since: Type.String(),
})
const VoucherBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 512 }),
    printer: Type.Optional(PrinterId),
    requestKey: Type.Optional(Type.String({ minLength: 8, maxLength: 64 })),
  },
  { additionalProperties: false },
)
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody }

export const printRoutes = fp(
  async (app) => {
    const authenticate = posAuthenticator(app)
    const { links } = app.services
    const previewPath = (id: string) => `/api/print/jobs/${id}/preview`
    const withPreview = <T extends { jobId: string } | { id: string }>(job: T) => ({
      ...job,
      previewUrl: links.sign(previewPath('jobId' in job ? job.jobId : job.id), PREVIEW_LINK_DAYS * 86_400_000),
    })
    // The preview opens with a POS token or with the signed link the API handed out.
    const tokenOrLink = async (
      req: FastifyRequest<{ Params: Static<typeof JobParams>; Querystring: Static<typeof PreviewQuery> }>,
    ) => {
      const { exp, sig } = req.query
      if (sig === undefined) return authenticate(req)
      const check = links.check(previewPath(req.params.id), exp, sig)
      if (check !== 'ok')
        throw Object.assign(
          new Error(
            check === 'expired'
              ? 'this preview link has expired; ask for the job again'
              : 'this preview link is not valid',
          ),
          { statusCode: 403, code: check === 'expired' ? 'link_expired' : 'bad_link' },
        )
    }
    const security = [{ posToken: [] }]
    const schema = (summary: string, extra: object) => ({ tags: ['print'], summary, security, ...extra })

    app.get(
      '/api/print/printers',
      {
        onRequest: authenticate,
        schema: schema('Printers and their state', { response: { 200: Type.Array(PrinterStatus), 401: ErrorBody } }),
      },
      async () => app.services.print.printers(),
    )

    app.post<{ Body: { printer: string } }>(
      '/api/print/test-page',
      {
        onRequest: authenticate,
        schema: schema('Print a test page', {
          body: Type.Object({ printer: PrinterId }, { additionalProperties: false }),
          response: { 202: Accepted, ...errors },
        }),
      },
      async (req, reply) => {
        const { print, config } = app.services
        const job = await print.enqueue(
          req.body.printer,
          testPage(req.body.printer, print.profileOf(req.body.printer), config.store.name),
          'test_page',
        )
        return reply.code(202).send(withPreview(job))
      },
    )

    app.post<{ Body: Static<typeof VoucherBody> }>(
      '/api/print/vouchers',
      {
        onRequest: authenticate,
        schema: schema('Print the slip of a voucher code (default: the kiosk printer)', {
          body: VoucherBody,
          response: { 202: Accepted, ...errors },
        }),
      },
      async (req, reply) => {
        const { print, vouchers, config } = app.services
        const verdict = vouchers.validate(req.body.code)
        if (!verdict.ok && verdict.reason !== 'already_redeemed')
          return reply.code(422).send({ error: verdict.reason, message: verdict.detail })
        if (!verdict.ok)
          return reply
            .code(409)
            .send({ error: 'already_redeemed', message: 'this voucher is used up; no slip printed' })
        const v = verdict.voucher
        const printer = req.body.printer ?? print.printerFor('kiosk')
        const doc = voucherSlip({
          store: config.store,
          address: config.portal.store.address,
          logo: app.services.brand.slipLogo,
          names: app.services.vouchers.names(),
          code: req.body.code,
          campaign: v.campaign,
          expiresAt: v.expiresAt,
        })
        return reply
          .code(202)
          .send(withPreview(await print.enqueue(printer, doc, 'voucher_slip', req.body.requestKey ?? null)))
      },
    )

    app.get<{ Params: Static<typeof JobParams> }>(
      '/api/print/jobs/:id',
      {
        onRequest: authenticate,
        schema: schema('A print job', { params: JobParams, response: { 200: Job, ...errors } }),
      },
      async (req) => withPreview(app.services.print.job(req.params.id)),
    )

    app.get<{ Params: Static<typeof JobParams>; Querystring: Static<typeof PreviewQuery> }>(
      '/api/print/jobs/:id/preview',
      {
        onRequest: tokenOrLink,
        schema: schema('What the job prints, as SVG (POS token, or the signed previewUrl)', {
          params: JobParams,
          querystring: PreviewQuery,
          response: { 200: { type: 'string' }, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        }),
      },
      async (req, reply) => {
        // Drawn before the SVG type is set: an unknown job answers 404 as JSON (was a 500).
        const svg = app.services.print.preview(req.params.id)
        return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(svg)
      },
    )

    app.post<{ Params: Static<typeof JobParams> }>(
      '/api/print/jobs/:id/reprint',
      {
        onRequest: authenticate,
        schema: schema('Print the job again (a new job)', {
          params: JobParams,
          response: { 202: Type.Object({ jobId: Type.String(), previewUrl: PreviewUrl }), ...errors },
        }),
      },
      async (req, reply) =>
        reply.code(202).send(withPreview(await app.services.print.reprint(req.params.id, `pos:${req.posName}`))),
    )

    app.post<{ Params: Static<typeof JobParams> }>(
      '/api/print/jobs/:id/cancel',
      {
        onRequest: authenticate,
        schema: schema('Cancel a queued or interrupted job', { params: JobParams, response: { 200: Job, ...errors } }),
      },
      async (req) => withPreview(await app.services.print.cancel(req.params.id, `pos:${req.posName}`)),
    )
  },
  { name: 'print-routes', dependencies: ['tillside-services'] },
)

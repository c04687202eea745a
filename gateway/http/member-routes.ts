/** Members through the POS API: enrol (with consent) or find by phone, and the live member QR. */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import { ErrorBody } from './error-schema.js'
import { posAuthenticator } from './pos-auth.js'

const EnrolBody = Type.Object(
  {
    phone: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'As typed: spaces, dashes, +86/0086 prefixes are fine',
    }),
    consents: Type.Object(
      {
        membership: Type.Boolean(),
        marketing: Type.Optional(Type.Boolean()),
        followStore: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false, description: 'membership must be true: the customer agreed, explicitly' },
    ),
  },
  { additionalProperties: false },
)
const EnrolReply = Type.Object({ memberId: Type.String(), created: Type.Boolean() })
const MemberParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{20}$' }) })
const CodeReply = Type.Object({ code: Type.String(), validForSeconds: Type.Integer() })

export const memberRoutes = fp(
  async (app) => {
    const authenticate = posAuthenticator(app)
    const security = [{ posToken: [] }]

    app.post<{ Body: Static<typeof EnrolBody> }>(
      '/api/pos/members',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Enrol a member by phone, or find the existing one',
          security,
          body: EnrolBody,
          response: { 200: EnrolReply, 201: EnrolReply, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody },
        },
      },
      async (req, reply) => {
        const r = await app.services.members.enrol({
          phone: req.body.phone,
          consents: req.body.consents,
          channel: 'pos',
          device: `pos:${req.posName}`,
        })
        return reply.code(r.created ? 201 : 200).send(r)
      },
    )

    app.get<{ Params: Static<typeof MemberParams> }>(
      '/api/pos/members/:id/code',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'The member QR to show now (rotates every 30 s)',
          security,
          params: MemberParams,
          response: { 200: CodeReply, 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => {
        const now = Date.now()
        return {
          code: app.services.members.currentCode(req.params.id, now),
          validForSeconds: 30 - Math.floor((now % 30_000) / 1000),
        }
      },
    )
  },
  { name: 'member-routes', dependencies: ['tillside-services'] },
)

/** Development-only routes (`dev: true`): simulated scans. */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import { ErrorBody } from './error-schema.js'
import { ERROR_STATUS } from './error-status.js'
import { Nullable } from './schema-types.js'

const ScanRequest = Type.Object(
  {
    data: Type.String({ minLength: 1, maxLength: 4096 }),
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })),
  },
  { additionalProperties: false },
)

const ScanCreated = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  deviceId: Type.String(),
  data: Type.String(),
  symbology: Nullable(Type.String()),
})

export const devRoutes = fp(
  async (app) => {
    app.post<{ Body: Static<typeof ScanRequest> }>(
      '/api/dev/scan',
      {
        schema: {
          body: ScanRequest,
          response: {
            201: ScanCreated,
            400: ErrorBody,
            404: ErrorBody,
            409: ErrorBody,
            422: ErrorBody,
            503: ErrorBody,
          },
        },
      },
      async (req, reply) => {
        const { devices, config } = app.services
        const deviceId =
          req.body.device ?? config.devices.find((d) => d.transport.type === 'simulator' && d.role === 'till')?.id ?? ''
        const result = await devices.simulateScan(deviceId, req.body.data)
        if (!result.ok)
          return reply.code(ERROR_STATUS[result.error]).send({ error: result.error, message: result.detail })
        const { id, seq, data, symbology } = result.scan
        return reply.code(201).send({ id, seq, deviceId, data, symbology })
      },
    )
  },
  { name: 'dev-routes', dependencies: ['tillside-services'] },
)

/**
 * The OpenAPI document of every route (from their schemas), served at /docs with
 * Swagger UI and as JSON at /docs/json — the POS integrator's reference. All assets
 * come from node_modules, so /docs works offline.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { packageVersion } from '../version.js'

export const openApi = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Tillside gateway API',
          version: packageVersion(),
          description: 'POS API (/api/pos/*), cashier screen API (/api/till/*) and status.',
        },
        components: {
          securitySchemes: {
            posToken: { type: 'http', scheme: 'bearer', description: 'A token whose hash is in till.posTokens' },
          },
        },
      },
    })
    // Swagger UI's own policy (scripts from /docs and its inline hashes only), less what
    // an offline store on plain HTTP cannot have: the https upgrade and outside hosts.
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: (csp) =>
        csp.replace(/ ?upgrade-insecure-requests;/, '').replace(/ validator\.swagger\.io| https:/g, ''),
    })
  },
  { name: 'openapi' },
)

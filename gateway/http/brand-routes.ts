/** The store's logo (store.brand.logo) at /brand/logo.png, on the main and the guest listener. */
import type { FastifyInstance } from 'fastify'

export const LOGO_PATH = '/brand/logo.png'

/** The logo's address for a page, or null when the store has none. */
export const logoUrl = (app: FastifyInstance): string | null => (app.services.brand.logo ? LOGO_PATH : null)

export function brandRoutes(app: FastifyInstance): void {
  const logo = app.services.brand.logo
  if (!logo) return
  app.get(LOGO_PATH, { schema: { hide: true } }, (_req, reply) =>
    reply
      .header('content-type', 'image/png')
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(logo.png),
  )
}

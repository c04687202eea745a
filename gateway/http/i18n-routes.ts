/**
 * The message catalog for the till and kiosk pages: i18next, its loader, one JSON file
 * per language, and the store's languages (public, like the pages: a screen not yet
 * paired or logged in speaks them too).
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { LANGS } from '../../config/schema-parts.js'
import { packageRoot } from '../version.js'
import { serveFiles } from './static-files.js'

export async function i18nRoutes(app: FastifyInstance): Promise<void> {
  const i18next = dirname(createRequire(import.meta.url).resolve('i18next/package.json'))
  serveFiles(app, join(i18next, 'dist/esm'), { '/i18n/i18next.js': 'i18next.js' })
  serveFiles(app, join(packageRoot(), 'gateway/i18n'), {
    '/i18n/i18n.js': 'i18n.js',
    ...Object.fromEntries(LANGS.map((lang) => [`/i18n/${lang}.json`, `${lang}.json`])),
  })
  const languages = { languages: app.services.config.store.languages }
  app.get('/i18n/languages.json', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').send(languages),
  )
}

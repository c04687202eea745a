/** JSON Schemas for editors: config/schema.json is generated from this (campaigns.schema.json from gateway/vouchers/campaigns.ts). */
import { ConfigSchema } from './schema.js'

export function draft7(title: string, schema: unknown): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>),
  }
}

export function configJsonSchema(): Record<string, unknown> {
  return draft7('Tillside gateway config', ConfigSchema)
}

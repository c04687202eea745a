/** JSON Schemas for editors (config/schema.json and config/campaigns.schema.json are generated from these). */
import { ConfigSchema } from './schema.js'
import { CampaignFileSchema } from '../gateway/vouchers/campaigns.js'

function draft7(title: string, schema: unknown): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>),
  }
}

export function configJsonSchema(): Record<string, unknown> {
  return draft7('Tillside gateway config', ConfigSchema)
}

export function campaignsJsonSchema(): Record<string, unknown> {
  return draft7('Tillside campaigns', CampaignFileSchema)
}

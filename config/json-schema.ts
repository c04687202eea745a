/** The config's JSON Schema for editors (config/schema.json is generated from this). */
import { ConfigSchema } from './schema.js'

export function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Tillside gateway config',
    ...(JSON.parse(JSON.stringify(ConfigSchema)) as Record<string, unknown>),
  }
}

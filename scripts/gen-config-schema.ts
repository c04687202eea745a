// Writes config/schema.json (for editors) and docs/config.md (the reference) from the
// one TypeBox schema in config/schema.ts. A test fails when either is stale.
import { writeFileSync } from 'node:fs'
import { campaignsJsonSchema, configJsonSchema } from '../config/json-schema.js'
import { renderConfigReference } from '../config/reference.js'

const schema = new URL('../config/schema.json', import.meta.url)
writeFileSync(schema, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
writeFileSync(
  new URL('../config/campaigns.schema.json', import.meta.url),
  `${JSON.stringify(campaignsJsonSchema(), null, 2)}\n`,
)
const docs = new URL('../docs/config.md', import.meta.url)
writeFileSync(docs, renderConfigReference())
console.log(`wrote ${schema.pathname} and ${docs.pathname}`)

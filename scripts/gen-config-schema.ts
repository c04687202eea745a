// Writes config/schema.json (for editors) and docs/config.md (the reference) from the
// one TypeBox schema in config/schema.ts, and docs/events.schema.json from the event contract. A test fails when either is stale.
import { writeFileSync } from 'node:fs'
import { configJsonSchema } from '../config/json-schema.js'
import { campaignsJsonSchema } from '../gateway/vouchers/campaigns.js'
import { renderConfigReference } from '../config/reference.js'
import { eventJsonSchema } from '../gateway/store/event-json-schema.js'

const schema = new URL('../config/schema.json', import.meta.url)
writeFileSync(schema, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
writeFileSync(
  new URL('../config/campaigns.schema.json', import.meta.url),
  `${JSON.stringify(campaignsJsonSchema(), null, 2)}\n`,
)
writeFileSync(new URL('../docs/events.schema.json', import.meta.url), `${JSON.stringify(eventJsonSchema(), null, 2)}\n`)
const docs = new URL('../docs/config.md', import.meta.url)
writeFileSync(docs, renderConfigReference())
console.log(`wrote ${schema.pathname} and ${docs.pathname}`)

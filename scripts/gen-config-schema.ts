// Writes config/schema.json from the TypeBox schema (config/schema.ts), for editors.
import { writeFileSync } from 'node:fs'
import { configJsonSchema } from '../config/json-schema.js'

const file = new URL('../config/schema.json', import.meta.url)
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
console.log(`wrote ${file.pathname}`)

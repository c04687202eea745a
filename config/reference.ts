/**
 * Renders the config reference (docs/config.md) from the schema itself, so the docs
 * cannot drift from what the validator accepts. `npm run gen:schema` writes it.
 */
import { PATH_KEYS } from './paths.js'
import { ConfigSchema } from './schema.js'
import { envOverrideNames } from './load.js'

interface Node {
  type?: string | string[]
  const?: unknown
  anyOf?: Node[]
  oneOf?: Node[]
  properties?: Record<string, Node>
  required?: string[]
  items?: Node
  default?: unknown
  description?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
}

function typeOf(n: Node): string {
  const alts = n.anyOf ?? n.oneOf
  if (alts && alts.every((a) => a.const !== undefined)) return alts.map((a) => JSON.stringify(a.const)).join(' \\| ')
  if (n.const !== undefined) return JSON.stringify(n.const)
  if (n.type === 'array') return `list of ${n.items?.properties ? 'objects' : typeOf(n.items ?? {})}`
  return String(n.type ?? 'one of the variants below')
}

function limits(n: Node): string {
  const parts: string[] = []
  if (n.minimum !== undefined || n.maximum !== undefined) parts.push(`${n.minimum ?? '…'}–${n.maximum ?? '…'}`)
  if (n.maxLength !== undefined) parts.push(`≤ ${n.maxLength} chars`)
  if (n.pattern) parts.push(`\`${n.pattern}\``)
  return parts.join(', ')
}

function rows(node: Node, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`
    const required = node.required?.includes(key) && child.default === undefined ? 'yes' : ''
    const def =
      child.default !== undefined && typeof child.default !== 'object' ? `\`${JSON.stringify(child.default)}\`` : ''
    const desc = [child.description, limits(child)].filter(Boolean).join(' — ')
    out.push(`| \`${path}\` | ${typeOf(child)} | ${required} | ${def} | ${desc} |`)
    if (child.properties) rows(child, `${path}.`, out)
    if (child.items?.properties) rows(child.items, `${path}[].`, out)
    for (const variant of child.oneOf ?? []) {
      const tag = variant.properties?.type?.const
      out.push(`| *${path} with type ${JSON.stringify(tag)}* | | | | ${variant.description ?? ''} |`)
      rows(
        {
          ...variant,
          properties: Object.fromEntries(Object.entries(variant.properties ?? {}).filter(([k]) => k !== 'type')),
        },
        `${path}.`,
        out,
      )
    }
  }
}

export function renderConfigReference(): string {
  const out = [
    '# Config reference',
    '',
    '<!-- Generated from config/schema.ts by `npm run gen:schema`; do not edit by hand. -->',
    '',
    'One YAML file, chosen by `--config <file>`, else `$TILLSIDE_CONFIG`, else `config/default.yaml`.',
    'It is validated at start; every problem is printed as `path: message` and Tillside exits with code 2.',
    'Editors that understand `# yaml-language-server: $schema=…` validate as you type against `config/schema.json`.',
    `Relative paths (${PATH_KEYS.map((k) => `\`${k}\``).join(', ')}) are read from the config file's folder, wherever`,
    'Tillside is started from; a path given through an environment override is read from the working directory.',
    '',
    `Environment overrides (they win over the file): ${envOverrideNames()
      .map((n) => `\`${n}\``)
      .join(', ')}.`,
    '',
    '| key | type | required | default | notes |',
    '| --- | --- | --- | --- | --- |',
  ]
  rows(ConfigSchema as unknown as Node, '', out)
  return `${out.join('\n')}\n`
}

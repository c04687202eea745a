/**
 * Ajv errors as `path: message` problems a person can act on. Shared by the config and
 * by every document Tillside validates (campaigns, trust lists, API bodies).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema, Static } from '@sinclair/typebox'

export interface Problem {
  path: string
  message: string
}

/** A document (file or message) that failed its schema; `problems` name the keys. */
export class DocumentError extends Error {
  override readonly name: string = 'DocumentError'
  readonly code: string = 'invalid_document'
  constructor(
    readonly what: string,
    readonly problems: Problem[],
  ) {
    super(`invalid ${what}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
  }
}

/** One Ajv for the config and every document: each instance costs tens of ms at start. */
export const sharedAjv = new Ajv({ allErrors: true, useDefaults: true, discriminator: true, strict: false })

/**
 * Compiles on first use (compiling costs milliseconds per schema, and a gateway that never
 * reads a revocation file should not pay at start); the returned function fills defaults
 * and returns the typed value or throws DocumentError.
 */
export function documentValidator<S extends TSchema>(schema: S, what: string): (data: unknown) => Static<S> {
  let validate: ValidateFunction | null = null
  return (data) => {
    validate ??= sharedAjv.compile(schema)
    if (!validate(data)) throw new DocumentError(what, toProblems(validate.errors ?? []))
    return data as Static<S>
  }
}

const ANY_OF = 'must match a schema in anyOf'

/** One Ajv error as a path, and either a message or the literal values it would accept. */
function describe(e: ErrorObject): { path: string; message: string; allowed?: unknown[] } {
  const path = pointerToPath(e.instancePath)
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: joinPath(path, String(p.additionalProperty)), message: 'unknown key' }
    case 'required':
      return { path: joinPath(path, String(p.missingProperty)), message: 'is required' }
    case 'enum':
    case 'const':
      return { path, message: '', allowed: (p.allowedValues as unknown[] | undefined) ?? [p.allowedValue] }
    case 'discriminator':
      return {
        path: joinPath(path, String(p.tag)),
        message: p.error === 'mapping' ? 'unknown type' : 'is required and must be a string',
      }
    default:
      return { path, message: e.message ?? 'is invalid' }
  }
}

/**
 * A union of literals fails once per branch; group by key so each key gets one
 * "must be one of …" line, and drop Ajv's generic anyOf line where a precise one exists.
 */
export function toProblems(errors: ErrorObject[], fromEnv: Map<string, string> = new Map()): Problem[] {
  const byPath = new Map<string, { allowed: unknown[]; messages: string[] }>()
  for (const e of errors) {
    const { path, message, allowed } = describe(e)
    let entry = byPath.get(path)
    if (!entry) byPath.set(path, (entry = { allowed: [], messages: [] }))
    if (allowed) entry.allowed.push(...allowed)
    else if (!entry.messages.includes(message)) entry.messages.push(message)
  }
  return [...byPath].flatMap(([path, { allowed, messages }]) => {
    const precise = messages.filter((m) => m !== ANY_OF)
    if (allowed.length > 0) precise.unshift(`must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`)
    const envName = fromEnv.get(path)
    return (precise.length > 0 ? precise : messages).map((m) => ({
      path,
      message: envName ? `${m} (set by ${envName})` : m,
    }))
  })
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)'
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '')
}

function joinPath(base: string, key: string): string {
  return base === '(root)' ? key : `${base}.${key}`
}

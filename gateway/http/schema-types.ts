/**
 * Schema shapes that compile fast. TypeBox's Union emits `anyOf`, and fastify's response
 * serializer compiles every anyOf branch with Ajv at start; `type: [x, "null"]` and
 * `enum` say the same for primitives at a fraction of the start-up cost.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'

/** A primitive schema (string, integer…) that may also be null. */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** The shape of every portal form and query. */
import { Type } from '@sinclair/typebox'

export type Form = Record<string, string | undefined>

/**
 * Every field of a portal form or query is one string: a JSON body whose `phone` was an
 * object or a repeated query key reached the page code as a non-string (a 500). Numbers
 * are taken as their text (Ajv's type coercion); anything else is a 400.
 */
export const FormSchema = Type.Record(Type.String(), Type.String({ maxLength: 4096 }))

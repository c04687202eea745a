import { Type } from '@sinclair/typebox'

/** Every error body: a machine-readable `error` code plus a human `message`. */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() })

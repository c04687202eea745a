/** JSON Merge Patch (RFC 7386): objects merge key by key, null deletes, anything else replaces. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)
/** Keys that would reach an object's prototype when assigned: a patch from outside never sets them. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype'])

/** The first key path in `value` that names a prototype, for a precise refusal. */
export function unsafeKey(value: Json, path = ''): string | null {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unsafeKey(v, `${path}[${i}]`)
      if (found) return found
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k
      if (UNSAFE.has(k)) return here
      const found = unsafeKey(v, here)
      if (found) return found
    }
  }
  return null
}

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch
  const out: Record<string, Json> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (UNSAFE.has(key)) continue
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

/** The config patch the cloud pushed (sync command `config-patch`), kept in the data dir. */
export const CONFIG_PATCH_FILE = 'config-patch.json'

/** JSON Merge Patch (RFC 7386): objects merge key by key, null deletes, anything else replaces. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch
  const out: Record<string, Json> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

/** The config patch the cloud pushed (sync command `config-patch`), kept in the data dir. */
export const CONFIG_PATCH_FILE = 'config-patch.json'

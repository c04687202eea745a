/** Schema pieces shared by the config's device sections. */
import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * A tagged union written as JSON Schema `oneOf` + `discriminator`, so Ajv reports the
 * errors of the one branch the tag selects instead of every branch's (TypeBox's
 * `Union` is an untagged `anyOf`).
 */
export function Tagged<T extends TSchema[]>(tag: string, branches: [...T], options: { description?: string; default?: unknown } = {}) {
  return Type.Unsafe<Static<T[number]>>({ ...options, oneOf: branches, discriminator: { propertyName: tag } })
}

/** A store id: in events, MQTT topics and the broker ACL's username (sync/contract.ts checks it with the same pattern). */
export const STORE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'

export const DeviceId = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,47}$',
  description: 'Stable device id: lower-case letters, digits, - and _ (used in events and logs)',
})
export const Role = Type.Union([Type.Literal('till'), Type.Literal('kiosk')], {
  description: 'Where the device sits: at the till (cashier) or at the kiosk (customer)',
})

/** Schema pieces shared by the config's sections, the campaign lists and the HTTP API. */
import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * Words people read: English, and Simplified Chinese where given. The one text type for
 * store texts, campaign names, kiosk and portal words and the API (issue #14); each use
 * sets its own length limit.
 */
/**
 * The languages Tillside's screens, pages and slips speak: `zh` Simplified Chinese
 * (mainland), `zh-TW` Traditional Chinese (Taiwan, Hong Kong), `en` English. Each has a
 * message catalog in gateway/i18n/; adding one is a catalog file and a name here.
 */
export const LANGS = ['zh', 'zh-TW', 'en'] as const
export type Lang = (typeof LANGS)[number]

export function LocalText(maxLength = 400) {
  const text = Type.String({ minLength: 1, maxLength })
  return Type.Object(
    { en: text, zh: Type.Optional(text), 'zh-TW': Type.Optional(text) },
    {
      additionalProperties: false,
      description: 'Text in English and, optionally, Simplified (zh) and Traditional (zh-TW) Chinese',
    },
  )
}
export type LocalText = Static<ReturnType<typeof LocalText>>
/** Words Tillside itself ships (reasons, advice, labels): in every language it has a catalog for. */
export type Localized = Required<LocalText>

/** The same message made in every language. */
export function eachLang(text: (lang: Lang) => string): Localized {
  return Object.fromEntries(LANGS.map((lang) => [lang, text(lang)])) as Localized
}

/** Text in one language: Traditional Chinese falls back to Simplified, every language to English. */
export function pickText(lang: Lang, text: LocalText): string {
  if (lang === 'zh-TW') return text['zh-TW'] ?? text.zh ?? text.en
  return lang === 'zh' ? (text.zh ?? text.en) : text.en
}

/** What a voucher is worth: money in minor units, or an item. */
export const VoucherValue = Type.Union([
  Type.Object(
    {
      amount: Type.Integer({ minimum: 1, description: 'Face value in minor units (fen, cents)' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ item: LocalText(200) }, { additionalProperties: false }),
])

/**
 * A tagged union written as JSON Schema `oneOf` + `discriminator`, so Ajv reports the
 * errors of the one branch the tag selects instead of every branch's (TypeBox's
 * `Union` is an untagged `anyOf`).
 */
export function Tagged<T extends TSchema[]>(
  tag: string,
  branches: [...T],
  options: { description?: string; default?: unknown } = {},
) {
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

/** A listener's limits on what clients may hold (gateway/http/connection-limits.ts). */
export function connectionLimits(defaults: { perAddress: number; total: number }) {
  return {
    requestTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 300_000,
      default: 10_000,
      description: "A request's headers and body must arrive within this; slower clients are cut off",
    }),
    maxConnectionsPerAddress: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: defaults.perAddress,
      description: 'Connections one client address may hold open; more are refused',
    }),
    maxConnections: Type.Integer({
      minimum: 16,
      maximum: 100_000,
      default: defaults.total,
      description: 'Connections this listener holds at most (keep under the open-files limit, LimitNOFILE)',
    }),
  }
}

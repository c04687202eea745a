/**
 * The one message catalog: every word the till, kiosk, portal, voucher page and slips
 * show, in gateway/i18n/<lang>.json, read through i18next on the server and in the
 * browser (gateway/i18n/i18n.js), so plurals ("1 play left", "2 plays left") follow
 * Intl.PluralRules (`key_one`, `key_other`) and a new language is one file plus its name
 * in config's LANGS. Traditional Chinese falls back to Simplified, then English; every
 * language falls back to English. test/i18n checks that every catalog has every key.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import i18next from 'i18next'
import { LANGS, eachLang, type Lang, type Localized } from '../../config/schema-parts.js'
import { packageRoot } from '../version.js'
import type en from './en.json'

export type { Lang }
type Catalog = Record<string, unknown>
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other'
type Base<K extends string> = K extends `${infer B}_${PluralSuffix}` ? B : K
type Keys<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${Base<K>}` : Keys<T[K], `${P}${K}.`>
}[keyof T & string]
/** Every message's key, checked by the compiler against the English catalog. */
export type MessageKey = Keys<typeof en>
export type Vars = Record<string, string | number>

export const FALLBACK: Record<Lang, Lang[]> = { zh: ['en'], 'zh-TW': ['zh', 'en'], en: [] }

/** The catalogs as shipped, for serving to the pages and for the completeness test. */
export const CATALOGS: Record<Lang, Catalog> = Object.fromEntries(
  LANGS.map((lang) => [
    lang,
    JSON.parse(readFileSync(join(packageRoot(), 'gateway/i18n', `${lang}.json`), 'utf8')) as Catalog,
  ]),
) as Record<Lang, Catalog>

const i18n = i18next.createInstance()
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LANGS.map((lang) => [lang, { translation: CATALOGS[lang] }])),
  lng: 'en',
  supportedLngs: [...LANGS],
  fallbackLng: { ...FALLBACK, default: ['en'] },
  // Pages escape what they insert; the catalog's words go in as written.
  interpolation: { escapeValue: false },
  returnNull: false,
})
const fixed = Object.fromEntries(LANGS.map((lang) => [lang, i18n.getFixedT(lang)])) as Record<
  Lang,
  (key: string, vars?: Vars) => string
>

/**
 * Translations already made. The catalogs never change while the gateway runs, so a
 * message in a language with the same vars is the same words every time. Every scan asks
 * for several (a refusal's headline and advice in each language), and each i18next call
 * copies its whole options object: under a store's traffic that was ~70 % of what the main
 * heap promoted to its old generation (issue #22), collected again every ~20 s. Each map
 * is bounded (the oldest entry goes once TRANSLATIONS_KEPT are held); messages with vars
 * (amounts, names) have their own, so a run of new amounts never pushes out the rest.
 */
export const TRANSLATIONS_KEPT = 2000
const plain = new Map<string, string>()
const withVars = new Map<string, string>()
const known = new Map<string, boolean>()

/** One message in one language; `count` in vars picks the plural form. */
export function t(lang: Lang, key: MessageKey, vars?: Vars): string {
  const made = vars ? withVars : plain
  const id = vars ? `${lang}\0${key}\0${JSON.stringify(vars)}` : `${lang}\0${key}`
  let words = made.get(id)
  if (words === undefined) {
    words = fixed[lang](key, vars)
    keep(made, id, words)
  }
  return words
}

/** A key built at run time (a refusal's reason): only if the catalog has it. */
export function hasMessage(key: string): key is MessageKey {
  let has = known.get(key)
  if (has === undefined) keep(known, key, (has = i18n.exists(key, { lng: 'en' })))
  return has
}

/** How many translations are kept now (for the test of the bound). */
export const translationsKept = (): number => plain.size + withVars.size + known.size

function keep<V>(map: Map<string, V>, id: string, value: V): void {
  if (map.size >= TRANSLATIONS_KEPT) map.delete(map.keys().next().value!)
  map.set(id, value)
}

/** The words for a machine value under a prefix (`admin.job` + `done`); the value itself when the catalog has none. */
export function wordsFor(lang: Lang, prefix: string, value: string): string {
  const key = `${prefix}.${value}`
  return hasMessage(key) ? t(lang, key) : value
}

/** One message in every language, for APIs that carry words beside a machine reason. */
export function localized(key: MessageKey, vars?: Vars): Localized {
  return eachLang((lang) => t(lang, key, vars))
}

/** The language's tag for `<html lang>` and Content-Language. */
export const langTag = (lang: Lang): string => t(lang, 'lang.tag')
/** The locale dates and times are written in. */
export const dateLocale = (lang: Lang): string => t(lang, 'lang.dates')

/**
 * The page's language: `?lang=` when the store offers it, else the best of the browser's
 * Accept-Language the store offers (zh-TW/HK/Hant to Traditional, other zh to
 * Simplified), else the store's first language.
 */
export function langOf(query: unknown, acceptLanguage: string | undefined, offered: readonly Lang[]): Lang {
  const asked = (query as { lang?: unknown } | undefined)?.lang
  if (typeof asked === 'string' && (offered as readonly string[]).includes(asked)) return asked as Lang
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase()
    const lang: Lang | null = /^zh-(tw|hk|mo|hant)\b/.test(tag)
      ? 'zh-TW'
      : tag.startsWith('zh')
        ? 'zh'
        : tag.startsWith('en')
          ? 'en'
          : null
    if (lang && offered.includes(lang)) return lang
    // A Traditional reader on a Simplified-only store (or the reverse) still reads Chinese.
    const chinese = lang?.startsWith('zh') ? offered.find((l) => l.startsWith('zh')) : undefined
    if (chinese) return chinese
  }
  return offered[0] ?? 'en'
}

/** The language the switch at the top of a page leads to: the next one the store offers. */
export function nextLang(lang: Lang, offered: readonly Lang[]): Lang {
  const i = offered.indexOf(lang)
  return offered[(i + 1) % offered.length] ?? lang
}

/** The switch's label: the next language's own name ("中文" unless the store offers two Chinese). */
export function switchLabel(lang: Lang, offered: readonly Lang[]): string {
  const next = nextLang(lang, offered)
  const twoChinese = offered.filter((l) => l.startsWith('zh')).length > 1
  return t(next, twoChinese ? 'lang.name' : 'lang.short')
}

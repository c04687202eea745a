/**
 * The message catalog is one set of keys in every language: no language misses a key or
 * a plural form its Intl.PluralRules needs, every translation uses the same {{vars}},
 * Traditional Chinese is written in Traditional characters (and Simplified in
 * Simplified), and every key the pages ask for exists.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as OpenCC from 'opencc-js'
import { describe, expect, it } from 'vitest'
import { LANGS } from '../../config/schema-parts.js'
import { CATALOGS, langOf, switchLabel, t, localized } from '../../gateway/i18n/messages.js'

const PLURAL = /_(zero|one|two|few|many|other)$/

/** Every leaf as "a.b.c" → text. */
function leaves(o: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v)
    else for (const [kk, vv] of leaves(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv)
  }
  return out
}
const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort()
const base = (key: string) => key.replace(PLURAL, '')

describe('message catalog', () => {
  const en = leaves(CATALOGS.en)
  const bases = new Set([...en.keys()].map(base))

  for (const lang of LANGS) {
    it(`${lang}: every key, every plural form its language needs, the same variables`, () => {
      const own = leaves(CATALOGS[lang])
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories
      const problems: string[] = []
      for (const key of own.keys()) if (!bases.has(base(key))) problems.push(`${key}: not in en.json`)
      for (const b of bases) {
        const plural = [...en.keys()].some((k) => PLURAL.test(k) && base(k) === b)
        const wanted = plural ? categories.map((c) => `${b}_${c}`) : [b]
        const enVars = vars(en.get(plural ? `${b}_other` : b)!)
        for (const key of wanted) {
          const text = own.get(key)
          // A singular may say "once" instead of {{count}}; every other form uses en's variables exactly.
          const ok = (used: string[]) =>
            key.endsWith('_one') ? used.every((v) => enVars.includes(v)) : used.join() === enVars.join()
          if (text === undefined) problems.push(`${key}: missing`)
          else if (!ok(vars(text)))
            problems.push(`${key}: uses {{${vars(text).join(', ')}}}, en uses {{${enVars.join(', ')}}}`)
        }
      }
      expect(problems).toEqual([])
    })
  }

  it('Traditional Chinese is written in Traditional characters, Simplified in Simplified', () => {
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' })
    const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' })
    const odd = (lang: 'zh' | 'zh-TW', convert: (s: string) => string) =>
      [...leaves(CATALOGS[lang])].filter(([, text]) => convert(text) !== text).map(([k, text]) => `${k}: ${text}`)
    expect(odd('zh-TW', toTraditional)).toEqual([])
    expect(odd('zh', toSimplified)).toEqual([])
  })

  it('has every key the till and kiosk pages ask for', () => {
    const root = join(import.meta.dirname, '../..')
    const files = [
      ...readdirSync(join(root, 'kiosk/ui')).map((f) => join(root, 'kiosk/ui', f)),
      ...readdirSync(join(root, 'gateway/http/pages/till')).map((f) => join(root, 'gateway/http/pages/till', f)),
    ].filter((f) => /\.(js|html)$/.test(f))
    const asked = new Set<string>()
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\bt\('([\w.]+)'|data-(?:t|i18n)="([\w.]+)"/g)) asked.add(m[1] ?? m[2]!)
    }
    expect(asked.size).toBeGreaterThan(40)
    expect([...asked].filter((k) => !bases.has(k))).toEqual([])
  })

  it('plurals follow each language', () => {
    expect(t('en', 'game.playsLeft', { count: 1 })).toBe('1 play left today')
    expect(t('en', 'game.playsLeft', { count: 2 })).toBe('2 plays left today')
    expect(t('en', 'rules.perDay', { count: 1 })).toBe('Each member can play once a day; every play wins one prize.')
    expect(t('en', 'portal.minutesLeft', { count: 1 })).toBe('1 minute left')
    expect(t('zh', 'game.playsLeft', { count: 1 })).toBe('今天还可以玩 1 次')
    expect(t('zh-TW', 'game.playsLeft', { count: 3 })).toBe('今天還可以玩 3 次')
  })

  it('APIs carry a shipped message in every language', () => {
    expect(localized('till.valid')).toEqual({ en: 'VALID', zh: '有效', 'zh-TW': '有效' })
  })

  it("picks the page's language from ?lang=, then Accept-Language, within the store's languages", () => {
    const both = ['zh', 'en'] as const
    expect(langOf({ lang: 'en' }, 'zh-CN', both)).toBe('en')
    expect(langOf({ lang: 'zh-TW' }, undefined, both)).toBe('zh') // not offered: the store's first
    expect(langOf({}, 'en-US,en;q=0.9', both)).toBe('en')
    expect(langOf({}, 'zh-TW,zh;q=0.9', ['zh-TW', 'zh', 'en'])).toBe('zh-TW')
    expect(langOf({}, 'zh-HK', ['zh', 'zh-TW', 'en'])).toBe('zh-TW')
    expect(langOf({}, 'zh-TW', both)).toBe('zh') // a Chinese reader still gets Chinese
    expect(langOf({}, 'fr-FR', ['zh-TW', 'en'])).toBe('zh-TW')
    expect(switchLabel('zh', both)).toBe('English')
    expect(switchLabel('en', both)).toBe('中文')
    expect(switchLabel('zh', ['zh', 'zh-TW', 'en'])).toBe('繁體中文')
  })
})

// The message catalog in the browser: the same JSON files and the same i18next the
// server uses (gateway/i18n/messages.ts), so the till and the kiosk pluralise and fall
// back exactly as the phone pages and slips do. Served at /i18n/.
import i18next from '/i18n/i18next.js'

const FALLBACK = { zh: ['en'], 'zh-TW': ['zh', 'en'], en: [] }

async function json(path) {
  const res = await fetch(path)
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`)
  return res.json()
}

/**
 * Loads the store's languages (the first is the default) and their catalogs (with what
 * they fall back to), and returns the page's translator: t(lang, key, vars),
 * pick(lang, {en, zh, 'zh-TW'}) for the store's own texts, tag(lang) for <html lang>,
 * dates(lang) for toLocale*String, and the language switch's next(lang) and label(lang).
 * Rejects while the gateway cannot be reached; the page retries.
 */
export async function loadMessages() {
  const { languages } = await json('/i18n/languages.json')
  const needed = [...new Set(languages.flatMap((l) => [l, ...(FALLBACK[l] ?? [])]).concat('en'))]
  const catalogs = await Promise.all(
    needed.map(async (lang) => [lang, { translation: await json(`/i18n/${lang}.json`) }]),
  )
  const i18n = i18next.createInstance()
  await i18n.init({
    resources: Object.fromEntries(catalogs),
    lng: needed[0],
    supportedLngs: needed,
    fallbackLng: { ...FALLBACK, default: ['en'] },
    interpolation: { escapeValue: false },
  })
  const fixed = Object.fromEntries(needed.map((l) => [l, i18n.getFixedT(l)]))
  const t = (lang, key, vars) => (fixed[lang] ?? fixed.en)(key, vars)
  const next = (lang) => languages[(languages.indexOf(lang) + 1) % languages.length] ?? lang
  const twoChinese = languages.filter((l) => l.startsWith('zh')).length > 1
  return {
    languages,
    t,
    pick: (lang, text) =>
      (lang === 'zh-TW' ? (text['zh-TW'] ?? text.zh) : lang === 'zh' ? text.zh : undefined) ?? text.en,
    tag: (lang) => t(lang, 'lang.tag'),
    dates: (lang) => t(lang, 'lang.dates'),
    next,
    label: (lang) => t(next(lang), twoChinese ? 'lang.name' : 'lang.short'),
  }
}

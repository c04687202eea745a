// The game's rules screen: every prize with the units left and its chance, and the draw record.
import { TEXT } from './text.js'

const $ = (id) => document.getElementById(id)
const percent = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`

/** Fills the rules screen from GET /api/kiosk/rules. */
export function renderRules(rules, lang) {
  const t = (key) => TEXT[lang][key]
  $('rules-prizes').replaceChildren(
    ...rules.prizes.map((p) => {
      const tr = document.createElement('tr')
      for (const text of [p.name[lang] ?? p.name.en, p.left === null ? t('always') : String(p.left), percent(p.chance)])
        tr.append(Object.assign(document.createElement('td'), { textContent: text }))
      return tr
    }),
  )
  $('rules-plays').textContent = t('perDay')(rules.playsPerDay)
  $('rules-today').textContent = rules.today.fingerprint ?? t('notYet')
  $('rules-past').replaceChildren(
    ...rules.revealed.map((d) =>
      Object.assign(document.createElement('li'), {
        textContent: `${d.day} · ${t('draws')(d.draws)} · SHA-256 ${d.fingerprint} · seed ${d.seed}`,
      }),
    ),
  )
}

// The game's rules screen: every prize with the units left and its chance, and the draw record.
const $ = (id) => document.getElementById(id)
const percent = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`

/** Fills the rules screen from GET /api/kiosk/rules, in `lang` through the catalog `m`. */
export function renderRules(rules, lang, m) {
  const t = (key, vars) => m.t(lang, key, vars)
  $('rules-prizes').replaceChildren(
    ...rules.prizes.map((p) => {
      const tr = document.createElement('tr')
      for (const text of [
        m.pick(lang, p.name),
        p.left === null ? t('rules.always') : String(p.left),
        percent(p.chance),
      ])
        tr.append(Object.assign(document.createElement('td'), { textContent: text }))
      return tr
    }),
  )
  $('rules-plays').textContent = t('rules.perDay', { count: rules.playsPerDay })
  $('rules-today').textContent = rules.today.fingerprint ?? t('rules.notYet')
  $('rules-past').replaceChildren(
    ...rules.revealed.map((d) =>
      Object.assign(document.createElement('li'), {
        textContent: `${d.day} · ${t('rules.draws', { count: d.draws })} · SHA-256 ${d.fingerprint} · seed ${d.seed}`,
      }),
    ),
  )
}

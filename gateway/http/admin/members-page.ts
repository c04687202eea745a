/**
 * /admin/members (managers): how many members, how many new each day and through which
 * door (Wi-Fi, kiosk, till), how many said yes to messages, and one member found by
 * phone. The phone is hashed to look the member up (members are never listed by phone)
 * and shown masked.
 */
import type { FastifyInstance } from 'fastify'
import type { Lang } from '../../../config/schema-parts.js'
import { lastDays } from '../../admin/trends.js'
import { MemberError } from '../../members/member-service.js'
import { t, wordsFor } from '../../i18n/messages.js'
import { HOUR_MS } from '../../store/rollups.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { barChart, count, money, table, when } from './page-parts.js'
import { paretoChart } from './pareto-chart.js'
import { LIFECYCLES } from '../../members/segments.js'
import { BOM, csvLine } from '../../admin/csv.js'
import { Readable } from 'node:stream'

const DAYS = 30

export function membersPage(app: FastifyInstance, kit: ConsoleKit): void {
  const { rollups, backOffice, segments, config } = app.services
  const { members } = backOffice

  app.get('/admin/members', { schema: { hide: true } }, (req, reply) => {
    const phone = String((req.query as { phone?: unknown }).phone ?? '').slice(0, 40)
    const forgotten = (req.query as { forgotten?: unknown }).forgotten === '1'
    return kit.page(req, reply, { path: '/admin/members', title: 'admin.members' }, (_user, lang, csrf) => {
      const total = members.count()
      const consents = members.consentTotals()
      const days = lastDays(rollups, DAYS)
      const newPerDay = days.count.members_new
      const dayLabel = (ms: number) => new Date(ms).getDate().toString()
      const byChannel = new Map<string, number>()
      for (const r of rollups.byKey(Math.floor(days.at[0]! / HOUR_MS), Math.ceil(Date.now() / HOUR_MS) + 1))
        if (r.metric === 'members_new') byChannel.set(r.key, (byChannel.get(r.key) ?? 0) + r.count)
      const channelRows = [...byChannel]
        .sort((a, b) => b[1] - a[1])
        .map(([channel, n]) => [esc(wordsFor(lang, 'admin.channel', channel)), count(lang, n)])
      const new30 = newPerDay.reduce((a, b) => a + b, 0)
      const figures = [
        figure(t(lang, 'admin.membersTotal'), count(lang, total)),
        figure(t(lang, 'admin.membersNew30'), count(lang, new30)),
        figure(t(lang, 'admin.consentMarketing'), count(lang, consents.marketing ?? 0)),
        figure(t(lang, 'admin.consentFollow'), count(lang, consents.follow_store ?? 0)),
      ].join('')
      return `<h1>${t(lang, 'admin.members')}</h1><section class="figures">${figures}</section>
<section class="split"><figure class="card chart"><figcaption>${t(lang, 'admin.membersPerDay', { count: DAYS })}</figcaption>
${barChart(newPerDay, days.at.map(dayLabel), t(lang, 'admin.membersPerDay', { count: DAYS }), 5)}</figure>
<section class="card"><h2>${t(lang, 'admin.membersByChannel')}</h2>${table([t(lang, 'admin.channelHeader'), t(lang, 'admin.count')], channelRows, { num: [1], empty: t(lang, 'admin.none') })}</section></section>
${value(lang)}
${forgotten ? `<p class="notice" role="status">${esc(t(lang, 'admin.memberForgotten'))}</p>` : ''}${search(lang, phone)}${phone.trim() ? found(lang, phone, csrf) : ''}`
    })
  })

  /** Member value: the top 20 % and their share of sales, the Pareto curve, where members are in their life here. */
  function value(lang: Lang): string {
    const r = segments.report()
    const pct = (share: number) => `${Math.round(share * 100)}%`
    const figures = [
      figure(t(lang, 'admin.topMembers'), count(lang, r.top.members)),
      figure(t(lang, 'admin.topShare'), pct(r.top.share)),
      figure(
        t(lang, 'admin.salesInWindow', { count: config.members.segments.windowMonths }),
        esc(money(lang, r.sales)),
      ),
      // What the cards hold is money the store owes its members (and has had the use of).
      ...app.services.cards
        .held()
        .map((h) =>
          figure(
            t(lang, 'admin.storedValue', { count: h.cards }),
            `${esc(money(lang, h.principal + h.bonus, h.currency))}<small>${esc(t(lang, 'admin.cardBonus', { amount: money(lang, h.bonus, h.currency) }))}</small>`,
          ),
        ),
    ].join('')
    const stages = LIFECYCLES.map((stage) => [
      esc(t(lang, `admin.lifecycle.${stage}`)),
      count(lang, r.lifecycle[stage]),
    ])
    const title = t(lang, 'admin.paretoTitle')
    return `<h2>${t(lang, 'admin.memberValue')}</h2><section class="figures">${figures}</section>
<section class="split"><figure class="card chart"><figcaption>${esc(title)}</figcaption>
${r.sales > 0 ? paretoChart(r.pareto, title, t(lang, 'admin.topTwenty')) : `<p class="notice">${esc(t(lang, 'admin.noMemberSales'))}</p>`}</figure>
<section class="card"><h2>${t(lang, 'admin.lifecycleTitle')}</h2>${table([t(lang, 'admin.stage'), t(lang, 'admin.count')], stages, { num: [1] })}
<p><a class="button" href="/admin/members/segments.csv" download>${t(lang, 'admin.segmentsCsv')}</a></p></section></section>`
  }

  app.get('/admin/members/segments.csv', { schema: { hide: true } }, async (req, reply) => {
    const user = kit.apiUser(req, reply, '/admin/members')
    if (!user) return reply
    const lang = kit.langFor(req)
    const r = segments.report()
    await backOffice.recordExport(user.id, 'segments', { from: 0, to: r.at })
    const columns = [
      'member',
      'lifecycle',
      'top',
      'r',
      'f',
      'm',
      'rfm',
      'daysSinceVisit',
      'visits',
      'sales',
      'tags',
    ] as const
    const tags = members.allTags()
    const head = columns.map((k) => t(lang, `admin.segmentCol.${k}`))
    const lines = function* () {
      yield BOM + csvLine(head)
      for (const s of r.scores)
        yield csvLine([
          s.member,
          t(lang, `admin.lifecycle.${s.lifecycle}`),
          t(lang, s.top ? 'admin.yes' : 'admin.no'),
          s.r,
          s.f,
          s.m,
          `${s.r}${s.f}${s.m}`,
          s.recencyDays,
          s.frequency,
          s.monetary / 100,
          (tags.get(s.member) ?? []).join('; '),
        ])
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${config.store.id.replace(/[^\w.-]/g, '_')}-segments.csv"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Readable.from(lines()))
  })

  app.post<{ Body: { member?: string; confirm?: string } }>(
    '/admin/members/forget',
    { schema: { hide: true }, preHandler: app.csrfProtection },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, '/admin/members')
      if (!user) return reply
      const lang = kit.langFor(req)
      const member = String(req.body?.member ?? '')
      const problem = (text: string) =>
        kit.page(
          req,
          reply,
          { path: '/admin/members', title: 'admin.members' },
          () =>
            `<h1>${t(lang, 'admin.members')}</h1><p class="error" role="alert">${esc(text)}</p><p><a href="/admin/members">${t(lang, 'admin.members')}</a></p>`,
        )
      if (req.body?.confirm !== 'yes') return problem(t(lang, 'admin.forgetConfirmFirst'))
      try {
        await members.forget(member, 'request', `admin:${user.id}`)
      } catch (err) {
        if (!(err instanceof MemberError)) throw err
        return problem(t(lang, err.code === 'card_not_empty' ? 'admin.forgetCardNotEmpty' : 'admin.noMember'))
      }
      return reply.redirect('/admin/members?forgotten=1', 303)
    },
  )

  app.post<{ Body: { member?: string; tag?: string; action?: string; phone?: string } }>(
    '/admin/members/tag',
    { schema: { hide: true }, preHandler: app.csrfProtection },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, '/admin/members')
      if (!user) return reply
      const b = req.body ?? {}
      const lang = kit.langFor(req)
      try {
        await members.tag(String(b.member ?? ''), String(b.tag ?? ''), b.action !== 'remove', `admin:${user.id}`)
      } catch (err) {
        if (!(err instanceof MemberError)) throw err
        return kit.page(
          req,
          reply,
          { path: '/admin/members', title: 'admin.members' },
          () =>
            `<h1>${t(lang, 'admin.members')}</h1><p class="error" role="alert">${esc(t(lang, err.code === 'invalid_tag' ? 'admin.tagInvalid' : 'admin.noMember'))}</p><p><a href="/admin/members">${t(lang, 'admin.members')}</a></p>`,
        )
      }
      return reply.redirect(`/admin/members?phone=${encodeURIComponent(String(b.phone ?? '').slice(0, 40))}`, 303)
    },
  )

  /** The member's tags, each with a remove button, and a field to add one. */
  function tagsBlock(lang: Lang, member: string, tags: string[], phone: string, csrf: string): string {
    const hidden = `<input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="member" value="${esc(member)}"><input type="hidden" name="phone" value="${esc(phone)}">`
    const chips = tags
      .map(
        (tag) =>
          `<form method="post" action="/admin/members/tag" class="chip">${hidden}<input type="hidden" name="tag" value="${esc(tag)}"><input type="hidden" name="action" value="remove"><span>${esc(tag)}</span><button type="submit" class="secondary" aria-label="${esc(t(lang, 'admin.tagRemove', { tag }))}">×</button></form>`,
      )
      .join('')
    return `<div class="tags"><h3>${t(lang, 'admin.tags')}</h3>${chips || `<p class="muted">${t(lang, 'admin.noTags')}</p>`}
<form method="post" action="/admin/members/tag" class="search">${hidden}<label>${t(lang, 'admin.tagAdd')}<input name="tag" maxlength="32" required autocomplete="off"></label><button type="submit">${t(lang, 'admin.tagAddButton')}</button></form></div>`
  }

  function forgetForm(lang: Lang, member: string, csrf: string): string {
    return `<form method="post" action="/admin/members/forget" class="forget"><input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="member" value="${esc(member)}">
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${esc(t(lang, 'admin.forgetExplain'))}</label>
<button type="submit" class="secondary">${t(lang, 'admin.forgetMember')}</button></form>`
  }

  function found(lang: Lang, phone: string, csrf: string): string {
    let id: string | null
    try {
      id = members.findByPhone(phone)
    } catch (err) {
      if (!(err instanceof MemberError)) throw err
      return `<p class="error" role="alert">${esc(t(lang, 'admin.phoneInvalid'))}</p>`
    }
    const p = id === null ? null : members.profile(id)
    if (!p || id === null) return `<p class="notice" role="status">${esc(t(lang, 'admin.noMember'))}</p>`
    const yesNo = (v: boolean | null) => t(lang, v === null ? 'admin.notAsked' : v ? 'admin.yes' : 'admin.no')
    const v = p.value
    const card = app.services.cards.summary(id)
    const lastVisit = v ? ` · ${esc(t(lang, 'admin.lastTime', { time: when(lang, v.lastSeen) }))}` : ''
    return `<section class="card member"><h2>${esc(p.phone ?? '')}</h2><dl>
<dt>${t(lang, 'admin.joined')}</dt><dd>${esc(when(lang, p.joinedAt))}</dd>
<dt>${t(lang, 'admin.consentMarketing')}</dt><dd>${esc(yesNo(p.consents.marketing))}</dd>
<dt>${t(lang, 'admin.consentFollow')}</dt><dd>${esc(yesNo(p.consents.followStore))}</dd>
<dt>${t(lang, 'admin.visitDays')}</dt><dd>${count(lang, v?.visits ?? 0)}${lastVisit}</dd>
<dt>${t(lang, 'admin.gamePlays')}</dt><dd>${count(lang, v?.plays ?? 0)}</dd>
<dt>${t(lang, 'admin.vouchersGiven')}</dt><dd>${count(lang, v?.vouchersWon ?? 0)}</dd>
<dt>${t(lang, 'admin.vouchersUsedHere')}</dt><dd>${count(lang, v?.vouchersRedeemed ?? 0)}</dd>
<dt>${t(lang, 'admin.purchases')}</dt><dd>${count(lang, v?.salesCount ?? 0)} · ${esc(money(lang, v?.salesTotal ?? 0, card.currency))}</dd>
<dt>${t(lang, 'admin.cardBalance')}</dt><dd>${esc(money(lang, card.total, card.currency))}${card.bonus > 0 ? ` · ${esc(t(lang, 'admin.cardBonus', { amount: money(lang, card.bonus, card.currency) }))}` : ''}</dd></dl>${tagsBlock(lang, id, p.tags, phone, csrf)}${forgetForm(lang, id, csrf)}</section>`
  }
}

const figure = (label: string, value: string) =>
  `<div class="card figure"><span>${esc(label)}</span><strong>${value}</strong></div>`

const search = (lang: Lang, phone: string) => `<form method="get" action="/admin/members" class="search">
<label>${t(lang, 'admin.findByPhone')}<input name="phone" type="tel" value="${esc(phone)}" autocomplete="off" maxlength="40"></label>
<button type="submit">${t(lang, 'admin.lookUp')}</button></form>`

/**
 * Guest Wi-Fi sessions: a login (ending what it replaces) and the end of sessions, each
 * journaled for the cloud. The raw MAC stays in the local table; events carry only
 * whether it was a randomised one, since a MAC is personal data that the cloud does not need.
 */
import type { TxContext } from './tx-context.js'
import { touchMember } from './member-profile.js'

export interface EndedSession {
  id: string
  member: string
  ip: string
  mac: string | null
}

export interface SessionStartArgs {
  sessionId: string
  member: string
  ip: string
  mac: string | null
  randomisedMac: boolean
  controller: string
  expiresAt: number
  devicesPerMember: number
}

const OPEN = 'ended_at IS NULL AND expires_at > ?'

export function startSessionTx(tx: TxContext, a: SessionStartArgs): { ended: EndedSession[] } {
  // The same device logging in again replaces its session (a re-login, or an address a
  // departed phone left behind); the member's oldest sessions make room for this one.
  const sameDevice = tx
    .stmt(`SELECT id, member, ip, mac FROM portal_sessions WHERE ${OPEN} AND (ip = ? OR (mac IS NOT NULL AND mac = ?))`)
    .all(tx.now, a.ip, a.mac) as EndedSession[]
  const ended = endSessions(tx, sameDevice, 'replaced')
  const others = tx
    .stmt(`SELECT id, member, ip, mac FROM portal_sessions WHERE ${OPEN} AND member = ? ORDER BY started_at`)
    .all(tx.now, a.member) as EndedSession[]
  ended.push(...endSessions(tx, others.slice(0, Math.max(0, others.length - a.devicesPerMember + 1)), 'device_limit'))
  const ev = tx.append(
    'portal.session_started',
    null,
    {
      sessionId: a.sessionId,
      memberId: a.member,
      controller: a.controller,
      expiresAt: a.expiresAt,
      randomisedMac: a.randomisedMac,
    },
    { outbox: true },
  )
  tx.stmt(
    'INSERT INTO portal_sessions (id, member, ip, mac, controller, started_at, expires_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(a.sessionId, a.member, a.ip, a.mac, a.controller, ev.time, a.expiresAt, ev.seq)
  touchMember(tx, a.member)
  return { ended }
}

export function endSessionsTx(tx: TxContext, a: { ids: string[]; reason: string }): { ended: EndedSession[] } {
  const rows = a.ids
    .map(
      (id) =>
        tx.stmt('SELECT id, member, ip, mac FROM portal_sessions WHERE id = ? AND ended_at IS NULL').get(id) as
          EndedSession | undefined,
    )
    .filter((r): r is EndedSession => r !== undefined)
  return { ended: endSessions(tx, rows, a.reason) }
}

function endSessions(tx: TxContext, rows: EndedSession[], reason: string): EndedSession[] {
  for (const r of rows) {
    tx.stmt('UPDATE portal_sessions SET ended_at = ?, end_reason = ? WHERE id = ?').run(tx.now, reason, r.id)
    tx.append('portal.session_ended', null, { sessionId: r.id, memberId: r.member, reason }, { outbox: true })
  }
  return rows
}

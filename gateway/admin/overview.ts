/**
 * The back office's overview: every device, the cloud link, the journal and the disk in
 * one snapshot, and the alarms a manager must act on, most urgent first. Plain data
 * (codes, counts, times); the page words it from the catalog (admin.*).
 */
import type { DeviceStatus } from '../devices/device-manager.js'
import type { PrintQueueStatus } from '../print/print-queue.js'
import type { JournalHealth } from '../store/journal.js'
import type { IntegrityStatus } from '../store/integrity-monitor.js'

/** What the overview reads of the cloud link (sync/ sits above the domain; the runtime passes its status in). */
export interface SyncLinkStatus {
  state: 'disabled' | 'connecting' | 'online' | 'offline'
  since: string
  backlog?: number
  oldestWaitingMs?: number | null
}

export interface OverviewInputs {
  scanners: DeviceStatus[]
  printers: PrintQueueStatus[]
  /** Printers' names from the config (people know "Kiosk printer", not kiosk-printer). */
  printerNames: Record<string, string | undefined>
  sync: SyncLinkStatus
  journal: JournalHealth
  integrity: IntegrityStatus
  /** Bytes free and in all on the data directory's disk. */
  disk: { free: number; total: number } | null
  kioskScreens: number
  portal: { controller: string; guestsOnline: number } | null
  /** Vouchers the cloud found used here and at another store beyond their uses, not yet handled. */
  doubleUses: { count: number; since: number | null }
  now: number
}

export type AlarmCode =
  | 'journal_failing'
  | 'integrity'
  | 'disk_low'
  | 'paper_out'
  | 'printer_problem'
  | 'scanner_offline'
  | 'double_use'
  | 'sync_backlog_old'
  | 'sync_offline'
  | 'paper_low'

export interface Alarm {
  code: AlarmCode
  /** The device or link it is about (a name people know when the config gives one). */
  subject: string | null
  since: string | null
  /** How many things it is about, where it is about several (the words pluralise). */
  count?: number
  /** The page where it is dealt with. */
  href?: string
}

/** Most urgent first: losing data, then the till and the customer's slip, then the cloud. */
const ORDER: AlarmCode[] = [
  'journal_failing',
  'integrity',
  'disk_low',
  'paper_out',
  'printer_problem',
  'scanner_offline',
  'double_use',
  'sync_backlog_old',
  'sync_offline',
  'paper_low',
]
/** A sync backlog whose oldest event waits longer than this is an alarm (the cloud is blind). */
export const SYNC_BACKLOG_ALARM_MS = 15 * 60_000
export const DISK_LOW_SHARE = 0.1

export function overviewAlarms(o: OverviewInputs): Alarm[] {
  const alarms: Alarm[] = []
  const add = (code: AlarmCode, subject: string | null = null, since: string | null = null) =>
    alarms.push({ code, subject, since })
  if (o.journal.state === 'degraded' || o.journal.state === 'failed')
    add('journal_failing', null, o.journal.lastError?.at)
  if (o.integrity.alarm) add('integrity', null, o.integrity.checkedAt)
  if (o.disk && o.disk.free < o.disk.total * DISK_LOW_SHARE) add('disk_low')
  for (const p of o.printers) {
    const name = o.printerNames[p.id] ?? p.id
    if (p.state === 'paper_out') add('paper_out', name, p.since)
    else if (p.state === 'paper_near_end') add('paper_low', name, p.since)
    else if (p.state !== 'online') add('printer_problem', name, p.since)
  }
  for (const s of o.scanners) if (s.state !== 'online') add('scanner_offline', s.name ?? s.id, s.since)
  if (o.doubleUses.count > 0)
    alarms.push({
      code: 'double_use',
      subject: null,
      since: o.doubleUses.since === null ? null : new Date(o.doubleUses.since).toISOString(),
      count: o.doubleUses.count,
      href: '/admin/vouchers#double-uses',
    })
  if (o.sync.state !== 'disabled') {
    if ((o.sync.oldestWaitingMs ?? 0) > SYNC_BACKLOG_ALARM_MS) add('sync_backlog_old', null, o.sync.since)
    else if (o.sync.state === 'offline') add('sync_offline', null, o.sync.since)
  }
  return alarms.sort((a, b) => ORDER.indexOf(a.code) - ORDER.indexOf(b.code))
}

export function overview(o: OverviewInputs) {
  return {
    at: new Date(o.now).toISOString(),
    alarms: overviewAlarms(o),
    scanners: o.scanners.map((s) => ({ id: s.id, name: s.name, role: s.role, state: s.state, since: s.since })),
    printers: o.printers.map((p) => ({
      id: p.id,
      name: o.printerNames[p.id] ?? null,
      state: p.state,
      queued: p.queued,
      since: p.since,
    })),
    sync: {
      state: o.sync.state,
      since: o.sync.since,
      backlog: o.sync.backlog ?? 0,
      oldestWaitingMs: o.sync.oldestWaitingMs ?? null,
    },
    journal: { state: o.journal.state, lastSeq: o.journal.lastSeq, integrity: o.integrity.result },
    disk: o.disk,
    kioskScreens: o.kioskScreens,
    portal: o.portal,
  }
}
export type Overview = ReturnType<typeof overview>

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { MemberKeys } from '../../gateway/members/member-keys.js'
import { MemberError, MemberService } from '../../gateway/members/member-service.js'
import { normalisePhone, PhoneError } from '../../gateway/members/phone.js'
import { memberCode } from '../../gateway/members/member-code.js'
import { tempDir } from '../helpers/tmp.js'

describe('normalisePhone', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['138-0013-8000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['0086 13800138000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['+44 (0)7911 123456', '+447911123456'],
    ['+852 5123 4567', '+85251234567'],
    ['+1 415 555 2671', '+14155552671'],
  ])('%s → %s', (input, e164) => expect(normalisePhone(input)).toBe(e164))

  it.each([
    ['', 'empty'],
    ['138-abc', 'bad_characters'],
    ['13800+138000', 'bad_characters'],
    ['1380013800', 'bad_length'],
    ['12800138000', 'not_mobile'],
    ['+1 23', 'bad_length'],
    ['+1 555 0100', 'not_a_number'], // no such number in the North American plan
    ['+44 (0)20 7946 0958', 'not_mobile'], // a London landline cannot get the SMS code
  ])('%j is refused: %s', (input, code) => {
    expect(() => normalisePhone(input)).toThrow(PhoneError)
    try {
      normalisePhone(input)
    } catch (err) {
      expect((err as PhoneError).code).toBe(code)
    }
  })
})

describe('MemberService (real journal)', () => {
  let tmp: ReturnType<typeof tempDir>
  let journal: Journal
  let members: MemberService
  const keyFile = () => join(tmp.dir, 'keys', 'members.key')
  beforeEach(async () => {
    tmp = tempDir()
    journal = new Journal(join(tmp.dir, 'store.db'), silentLogger())
    await journal.start()
    members = new MemberService(
      journal,
      MemberKeys.loadOrCreate(keyFile()),
      { defaultCountryCode: '86', consentVersion: 'v1' },
      silentLogger(),
    )
  })
  afterEach(async () => {
    await journal.stop()
    tmp.cleanup()
  })

  it('enrols once per phone, whatever the format, and needs explicit consent', async () => {
    const a = await members.enrol({
      phone: '138 0013 8000',
      consents: { membership: true, marketing: false },
      channel: 'portal',
    })
    const b = await members.enrol({
      phone: '+86 13800138000',
      consents: { membership: true, marketing: false },
      channel: 'kiosk',
    })
    expect(a.created).toBe(true)
    expect(b).toEqual({ memberId: a.memberId, created: false })
    expect(a.memberId).toMatch(/^[0-9a-f]{20}$/)
    await expect(
      members.enrol({ phone: '13900139000', consents: { membership: false }, channel: 'portal' }),
    ).rejects.toMatchObject({ code: 'consent_required' })
    await expect(
      members.enrol({ phone: '139', consents: { membership: true }, channel: 'portal' }),
    ).rejects.toBeInstanceOf(MemberError)
    expect(members.findByPhone('0086-138-0013-8000')).toBe(a.memberId)
    expect(members.phoneOf(a.memberId)).toBe('+8613800138000')
    // Consent recorded once; a change (marketing now yes) adds one row.
    const consents = () => journal.reader.prepare('SELECT kind, granted FROM member_consents ORDER BY event_seq').all()
    expect(consents()).toEqual([
      { kind: 'membership', granted: 1 },
      { kind: 'marketing', granted: 0 },
    ])
    await members.enrol({ phone: '13800138000', consents: { membership: true, marketing: true }, channel: 'portal' })
    expect(consents()).toHaveLength(3)
    const types = journal.reader
      .prepare('SELECT e.type FROM events e JOIN outbox USING (seq) ORDER BY seq')
      .pluck()
      .all()
    expect(types).toEqual(['member.created', 'member.consent', 'member.consent', 'member.consent'])
  })

  it('never stores the phone in the database or the journal, and keeps its keys 0600 outside it', async () => {
    await members.enrol({ phone: '13800138000', consents: { membership: true }, channel: 'portal' })
    await journal.stop()
    for (const f of ['store.db', 'store.db-wal']) {
      let bytes: Buffer
      try {
        bytes = readFileSync(join(tmp.dir, f))
      } catch {
        continue
      }
      expect(bytes.includes('13800138000')).toBe(false)
      expect(bytes.includes('8613800138000')).toBe(false)
    }
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600)
    await journal.start()
  })

  it('identifies by the rotating member code; old screenshots, forgeries and strangers are refused', async () => {
    const { memberId } = await members.enrol({
      phone: '13800138000',
      consents: { membership: true },
      channel: 'portal',
    })
    const now = Date.now()
    expect(members.identify(members.currentCode(memberId, now), now)).toEqual({ ok: true, memberId })
    expect(members.identify(members.currentCode(memberId, now - 60_000), now)).toEqual({ ok: true, memberId }) // clock drift
    expect(members.identify(members.currentCode(memberId, now - 120_000), now)).toMatchObject({
      ok: false,
      reason: 'member_code_expired',
    })
    expect(members.identify(memberCode(memberId, Buffer.alloc(20, 7), now), now)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    })
    expect(members.identify(memberCode('00'.repeat(10), Buffer.alloc(20), now), now)).toMatchObject({
      ok: false,
      reason: 'unknown_member',
    })
    expect(members.identify('TM1:garbage', now)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})

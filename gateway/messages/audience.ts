/**
 * Who a message is for, beyond consent: every follower, a segment of the member report
 * (the best 20 %, new, regular, lapsing, lost), or members who won at the game and never
 * used a voucher. Consent is never part of this choice: every message needs the member to
 * follow the store, an offer also their yes to offers (the fan-out checks both again).
 */
import type { MemberSegments } from '../members/member-segments.js'
import type { MessageReads } from '../store/read/message-reads.js'

export const AUDIENCES = ['followers', 'top', 'new', 'regular', 'lapsing', 'lost', 'unredeemed'] as const
export type AudienceKind = (typeof AUDIENCES)[number]

/** The consents a recipient must hold: following the store, and offers for a message carrying a voucher. */
export function consentsFor(withOffer: boolean): string[] {
  return withOffer ? ['follow_store', 'marketing'] : ['follow_store']
}

/** A test of membership in the audience, made once per fan-out step (segments are a minute fresh). */
export function audienceFilter(
  kind: AudienceKind,
  segments: Pick<MemberSegments, 'segmentOf'>,
  reads: Pick<MessageReads, 'unredeemedWinners'>,
  now = Date.now(),
): (memberId: string) => boolean {
  switch (kind) {
    case 'followers':
      return () => true
    case 'unredeemed': {
      const winners = reads.unredeemedWinners()
      return (m) => winners.has(m)
    }
    case 'top':
      return (m) => segments.segmentOf(m, now)?.top === true
    default:
      return (m) => segments.segmentOf(m, now)?.lifecycle === kind
  }
}

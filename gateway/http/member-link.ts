/**
 * A member's own link to their messages (/m/{token}): the member id, an expiry and an HMAC
 * (auth/signed-links.ts). It goes out with every message and sits on the portal's welcome
 * page; it opens that member's inbox and "stop messages", nothing else.
 */
import type { LinkSigner } from '../auth/signed-links.js'

/** Long enough to outlive a message kept in an SMS app for months. */
const LINK_TTL_MS = 400 * 86_400_000

export function memberLinkToken(links: LinkSigner, memberId: string, now = Date.now()): string {
  const { exp, sig } = links.signature(`m/${memberId}`, LINK_TTL_MS, now)
  return `${memberId}.${exp}.${sig}`
}

/** The member a token names, when its signature holds and it has not expired. */
export function memberOfLink(links: LinkSigner, token: string): string | null {
  const [member, exp, sig] = token.split('.')
  if (!member || !/^[0-9a-f]{20}$/.test(member)) return null
  return links.check(`m/${member}`, exp, sig) === 'ok' ? member : null
}

/** Money as the providers' APIs write it, from integer minor units — exact, never through floating point. */

/** 1250 → "12.50" (yuan with two decimals, as Alipay's total_amount). */
export function toDecimal(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not an amount in minor units: ${minor}`)
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
}

/** "12.50" → 1250; null when it is not a plain decimal with at most two places. */
export function fromDecimal(text: string): number | null {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text)
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null
}

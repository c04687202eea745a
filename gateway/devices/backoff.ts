/**
 * Reconnect delays: exponential, capped, with "equal jitter" (half fixed, half random),
 * so a shop full of scanners replugged at once does not retry in lockstep, yet a retry
 * never comes much sooner than planned.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30))
  return Math.round(exp / 2 + random() * (exp / 2))
}

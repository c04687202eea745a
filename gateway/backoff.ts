/**
 * Reconnect delays: exponential and capped, with jitter so that many clients do not
 * retry in lockstep. "equal" (half fixed, half random) for devices: a shop full of
 * scanners replugged at once spreads out, yet a retry never comes much sooner than
 * planned. "full" (anywhere from 0 to the cap) for the broker link: thousands of stores
 * coming back after a broker outage spread over the whole window.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
  jitter: 'equal' | 'full' = 'equal',
): number {
  const exp = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30))
  return jitter === 'full' ? Math.round(random() * exp) : Math.round(exp / 2 + random() * (exp / 2))
}

/** One JSON object per line, as `npm run bench` promises. */
export interface BenchLine {
  bench: string
  metric: string
  value: number
  unit: string
  baseline?: string
  baseline_value?: number
  ratio?: number
  [extra: string]: unknown
}

export function report(line: BenchLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits))

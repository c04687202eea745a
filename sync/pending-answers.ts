/**
 * Requests waiting for their answer, by id: each resolves with the answer, or with null
 * when its time is up or it is abandoned (the link went down). An answer only settles
 * the request it names — and, when the request was made of one store, only from that store.
 */
interface Pending<T> {
  resolve: (answer: T | null) => void
  timer: NodeJS.Timeout
  from: string | null
}

export class PendingAnswers<T> {
  private readonly pending = new Map<string, Pending<T>>()

  /** Waits for the answer to `id` (from `from`, when given); `onTimeout` is told when none came in time. */
  wait(id: string, timeoutMs: number, onTimeout: () => void, from: string | null = null): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        onTimeout()
        resolve(null)
      }, timeoutMs)
      this.pending.set(id, { resolve, timer, from })
    })
  }

  /** True when `id` was waiting (from `from`) and is now settled. */
  settle(id: string, answer: T | null, from: string | null = null): boolean {
    const p = this.pending.get(id)
    if (!p || p.from !== from) return false
    this.pending.delete(id)
    clearTimeout(p.timer)
    p.resolve(answer)
    return true
  }

  abandonAll(): void {
    for (const [id, p] of [...this.pending]) this.settle(id, null, p.from)
  }
}

/** A cashier screen's live stream (/api/till/events), for benches: resolves a waiter with each result. */
export interface TillStream {
  /** The next result the screen receives. */
  next(): Promise<Record<string, unknown>>
  close(): Promise<void>
}

export async function openTillStream(base: string, cookie: string): Promise<TillStream> {
  const stream = await fetch(`${base}/api/till/events`, { headers: { cookie } })
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
  const waiter: { resolve: ((r: Record<string, unknown>) => void) | null } = { resolve: null }
  void (async () => {
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = message.split('\n').find((l) => l.startsWith('data: '))
        if (message.startsWith('event: result') && data)
          waiter.resolve?.(JSON.parse(data.slice(6)) as Record<string, unknown>)
      }
    }
  })()
  return {
    next: () => new Promise((r) => (waiter.resolve = r)),
    close: () => reader.cancel(),
  }
}

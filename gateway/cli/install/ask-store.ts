/** The installer's questions at a terminal: who the store is, and which of the devices it found to use. */
import { createInterface } from 'node:readline/promises'
import type { StoreAnswers } from './store-config.js'

const STORE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/

export async function askStore(
  given: Partial<Omit<StoreAnswers, 'dataDir'>>,
  found: { serial: string[]; printers: string[] },
): Promise<Omit<StoreAnswers, 'dataDir'>> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const ask = async (q: string, ok: (s: string) => boolean, hint: string, dflt?: string) => {
      for (;;) {
        const a = (await rl.question(`${q}${dflt ? ` [${dflt}]` : ''}: `)).trim() || dflt || ''
        if (ok(a)) return a
        process.stdout.write(`  ${hint}\n`)
      }
    }
    const storeId =
      given.storeId ??
      (await ask(
        'Store id (from your operator, e.g. tea-house-3)',
        (s) => STORE_ID.test(s),
        'lower-case letters, digits and -',
      ))
    const storeName =
      given.storeName ?? (await ask('Store name (as customers know it)', (s) => s.length > 0, 'a name is needed'))
    const merchant =
      given.merchant ??
      (await ask('Merchant id (from your operator)', (s) => STORE_ID.test(s), 'lower-case letters, digits and -'))
    const pick = async (what: string, list: string[]) => {
      if (list.length === 0) return []
      process.stdout.write(`${what} found:\n${list.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}\n`)
      const a = await ask(
        `Use which (numbers separated by spaces, none: -)`,
        (s) => s === '-' || s.split(/\s+/).every((n) => Number(n) >= 1 && Number(n) <= list.length),
        `1 to ${list.length}, or -`,
        '1',
      )
      return a === '-' ? [] : a.split(/\s+/).map((n) => list[Number(n) - 1]!)
    }
    const scanners = given.scanners?.length ? given.scanners : await pick('Serial scanners', found.serial)
    const printer = given.printer ?? (await pick('USB printers', found.printers))[0] ?? null
    return { storeId, storeName, merchant, scanners, printer }
  } finally {
    rl.close()
  }
}

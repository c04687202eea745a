/**
 * Debian's Chromium driven by playwright-core (no downloaded browser). Screenshots go
 * to test-artifacts/screenshots, which CI keeps.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots')

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * The screen in every language its switch (`toggle`) offers, `<name>-<html lang>.png`
 * each, switching until it is back in the language it started in — so a test shows each
 * state in Chinese and English without changing the flow it is part of. Under a modal
 * dialog the switch cannot be tapped: `dispatch` clicks it as the page's code would.
 */
export async function screenshotEachLanguage(
  page: Page,
  name: string,
  toggle: string,
  how: 'tap' | 'dispatch' = 'tap',
): Promise<void> {
  const langOf = () => page.getAttribute('html', 'lang').catch(() => null) // null while a link navigates
  const first = await langOf()
  for (let lang = first; ;) {
    await screenshot(page, `${name}-${lang}`)
    await (how === 'tap' ? page.click(toggle) : page.dispatchEvent(toggle, 'click'))
    const started = Date.now()
    let now = await langOf()
    while (now === lang || now === null) {
      if (Date.now() - started > 15_000) throw new Error(`${name}: ${toggle} did not change the language from ${lang}`)
      await page.waitForTimeout(50)
      now = await langOf()
    }
    await page.waitForLoadState()
    if (now === first) return
    lang = now
  }
}

/** Visible buttons, links and checkbox labels smaller than `min` px either way (touch targets), described. */
export async function smallTargets(page: Page, min: number): Promise<string[]> {
  const small: string[] = []
  // A checkbox inside its label is as big as the label: a tap on the words ticks it.
  const targets = page.locator('button:visible, a:visible, label:has(input[type=checkbox]):visible')
  for (const el of await targets.all()) {
    const box = await el.boundingBox()
    if (box && (box.width < min || box.height < min))
      small.push(
        `${((await el.textContent()) ?? '').trim() || (await el.getAttribute('name'))} ${Math.round(box.width)}×${Math.round(box.height)}`,
      )
  }
  return small
}

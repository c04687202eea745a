import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: { dir: string; version: string } | null = null

/** The tillside package's directory and version, found from sources (gateway/) and builds (dist/gateway/) alike. */
function findPackage(): { dir: string; version: string } {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'tillside') return (root = { dir, version: pkg.version ?? '0.0.0' })
    }
    dir = dirname(dir)
  }
  throw new Error(`cannot find the tillside package.json above ${fileURLToPath(import.meta.url)}`)
}

export function packageVersion(): string {
  return findPackage().version
}

/** Where non-code assets (web pages) live: always in the package, never copied to dist/. */
export function packageRoot(): string {
  return findPackage().dir
}

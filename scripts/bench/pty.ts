/** A socat pseudo-terminal pair for the serial benches: the gateway opens `devicePath`, the bench writes into `hostPath`. */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export async function ptyPair(dir: string): Promise<{ devicePath: string; hostPath: string; stop: () => void }> {
  const devicePath = join(dir, 'scanner')
  const hostPath = join(dir, 'host')
  const socat = spawn('socat', [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: 'ignore',
  })
  while (!existsSync(devicePath) || !existsSync(hostPath)) await sleep(5)
  return { devicePath, hostPath, stop: () => void socat.kill() }
}

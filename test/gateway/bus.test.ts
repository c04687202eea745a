import { describe, expect, it } from 'vitest'
import { EventBus } from '../../gateway/bus.js'
import { captureLogs } from '../helpers/log-capture.js'

const scan = {
  id: 'S1',
  seq: 1,
  time: 0,
  deviceId: 'd',
  data: 'x',
  symbology: null,
  aimId: null,
  role: 'till' as const,
}

describe('EventBus', () => {
  it('isolates a throwing or rejecting listener and logs it with the event id', async () => {
    const { log, lines } = captureLogs()
    const bus = new EventBus(log)
    const got: string[] = []
    bus.on('a', 'scan', () => {
      throw new Error('boom')
    })
    bus.on('b', 'scan', async () => {
      throw new Error('async boom')
    })
    bus.on('c', 'scan', (s) => void got.push(s.id))
    expect(() => bus.emit('scan', scan)).not.toThrow()
    await new Promise((r) => setImmediate(r))
    expect(got).toEqual(['S1'])
    const errors = lines.filter((l) => l.level === 50)
    expect(errors.map((e) => [e.owner, e.eventId])).toEqual([
      ['a', 'S1'],
      ['b', 'S1'],
    ])
  })

  it('removes listeners by owner', () => {
    const bus = new EventBus(captureLogs().log)
    let n = 0
    bus.on('x', 'scan', () => void n++)
    bus.on('x', 'device.state', () => void n++)
    bus.on('y', 'scan', () => void n++)
    bus.off('x')
    bus.emit('scan', scan)
    bus.emit('device.state', { deviceId: 'd', state: 'online', reason: null, detail: null, at: '' })
    expect(n).toBe(1)
  })
})

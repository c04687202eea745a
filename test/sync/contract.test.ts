/** docs/asyncapi.yaml describes every topic of the contract, and the parsers refuse what they should. */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { parseConfig } from '../../config/load.js'
import { commandHandlers, type HandlerDeps } from '../../gateway/runtime/command-handlers.js'
import {
  ContractError,
  encodeBatch,
  parseAck,
  parseBatch,
  parseCommand,
  parseRpcRequest,
  parseRpcResponse,
  parseVoucherCheck,
  topics,
} from '../../sync/contract.js'
import { eventJsonSchema } from '../../gateway/store/event-json-schema.js'
import { DB_FILE } from '../../gateway/runtime/gateway.js'
import { contractViolations, JOURNAL_FILE } from '../helpers/event-contract.js'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { join } from 'node:path'

describe('sync contract', () => {
  it('documents every topic in docs/asyncapi.yaml', () => {
    const doc = parse(readFileSync(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8')) as {
      channels: Record<string, { address: string }>
    }
    const addresses = Object.values(doc.channels).map((c) => c.address)
    const samples = Object.values(topics).map((make) => (make as (s: string, x: string) => string)('{storeId}', '{x}'))
    for (const topic of samples) {
      const pattern = new RegExp(`^${topic.replace('{x}', '\\{[a-zA-Z]+\\}').replace(/[/]/g, '\\/')}$`)
      expect(
        addresses.some((a) => pattern.test(a)),
        topic,
      ).toBe(true)
    }
  })

  it('documents every command type the gateway handles', () => {
    const doc = parse(readFileSync('docs/asyncapi.yaml', 'utf8')) as {
      channels: { command: { parameters: { type: { enum: string[] } } } }
    }
    const handled = Object.keys(commandHandlers({} as HandlerDeps))
    expect(doc.channels.command.parameters.type.enum.slice().sort()).toEqual(handled.sort())
  })

  it('writes every event type down: docs/events.schema.json is generated and asyncapi points at it', () => {
    expect(JSON.parse(readFileSync('docs/events.schema.json', 'utf8'))).toEqual(eventJsonSchema())
    const doc = parse(readFileSync('docs/asyncapi.yaml', 'utf8')) as {
      components: { messages: { eventBatch: { payload: { properties: { events: { items: unknown } } } } } }
    }
    expect(doc.components.messages.eventBatch.payload.properties.events.items).toEqual({
      $ref: './events.schema.json',
    })
    expect(JOURNAL_FILE).toBe(DB_FILE)
  })

  it('finds journaled events that break the contract, naming the event and the field', async () => {
    const { dir, cleanup } = tempDir()
    const journal = new Journal(join(dir, 'j.db'), silentLogger())
    await journal.start()
    await journal.append({ type: 'scan', payload: { data: 'A', symbology: null, aimId: null, role: 'till' } })
    await journal.append({ type: 'scan', payload: { data: 'B', role: 'till' } as never })
    await journal.append({ type: 'member.created', payload: { memberId: 'm', channel: 'kiosk', phone: '1' } as never })
    await journal.append({ type: 'no.such_type', payload: {} })
    await journal.stop()
    const found = contractViolations(join(dir, 'j.db'))
    cleanup()
    expect(found.map((f) => f.split(' — ')[0])).toEqual([
      "#2 scan: /payload must have required property 'symbology'",
      '#3 member.created: /payload must NOT have additional properties',
      '#4 no.such_type: /type must be equal to one of the allowed values',
    ])
  })

  it('encodes a batch the cloud parses back, payloads spliced as journaled', () => {
    const text = encodeBatch('shop-a', [
      { seq: 1, id: '01J0000000000000000000000A', type: 'scan', time: 5, device: null, payload: '{"data":"x"}' },
    ])
    expect(parseBatch(text, 1000)).toEqual({
      v: 1,
      store: 'shop-a',
      events: [
        { seq: 1, id: '01J0000000000000000000000A', type: 'scan', time: 5, device: null, payload: { data: 'x' } },
      ],
    })
  })

  it('takes a batch from any store id the config accepts', () => {
    const text = encodeBatch('Shop-A_1', [
      { seq: 1, id: '01J0000000000000000000000A', type: 'scan', time: 5, device: null, payload: '{}' },
    ])
    expect(parseBatch(text, 1000).store).toBe('Shop-A_1')
    expect(parseConfig('store: { id: Shop-A_1, name: A }', 'x').store.id).toBe('Shop-A_1')
  })

  it('refuses malformed messages with a precise reason', () => {
    const refuse = (fn: () => unknown) => expect(fn).toThrow(ContractError)
    refuse(() => parseAck('{"v":1,"seq":-1}'))
    refuse(() => parseAck('{"v":2,"seq":1}'))
    refuse(() => parseAck('nope'))
    refuse(() =>
      parseBatch(
        '{"v":1,"store":"shop-a","events":[{"seq":2,"id":"a","type":"t","time":1,"device":null,"payload":{}},{"seq":2,"id":"b","type":"t","time":1,"device":null,"payload":{}}]}',
        10_000,
      ),
    )
    refuse(() => parseBatch('{"v":1,"store":"Shop A","events":[]}', 10_000))
    refuse(() => parseBatch('{"v":1,"store":"shop-a","events":[]}', 10_000))
    refuse(() => parseCommand('{"v":1,"id":"has space","body":{}}'))
    refuse(() => parseCommand('{"v":1,"id":"x"}'))
    expect(() => parseBatch('x'.repeat(20), 10)).toThrow(/limit 10/)
    expect(parseAck('{"v":1,"seq":7,"resend":true}')).toEqual({ v: 1, seq: 7, resend: true })
    refuse(() => parseRpcRequest('{"v":1,"id":"short","body":{}}'))
    refuse(() => parseRpcRequest('{"v":1,"id":"request-1","body":null}'))
    refuse(() => parseRpcRequest('{"v":1,"id":"request-1","replyTo":5,"body":{}}'))
    refuse(() => parseRpcResponse('{"v":1,"id":"request-1","status":"maybe"}'))
    refuse(() => parseVoucherCheck({ voucherKey: '1:2', campaign: 2, maxUses: 1 }))
    refuse(() => parseVoucherCheck({ voucherKey: '1:2:3', campaign: 2, maxUses: 0 }))
    expect(parseRpcResponse('{"v":1,"id":"request-1","status":"ok"}')).toEqual({
      v: 1,
      id: 'request-1',
      status: 'ok',
      reason: null,
      detail: null,
    })
  })
})

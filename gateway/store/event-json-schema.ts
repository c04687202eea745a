/** docs/events.schema.json, generated from the event contract (npm run gen:schema; a test fails when stale). */
import { EVENT_CONTRACT_VERSION, EVENT_SCHEMAS, EVENT_TYPES } from './event-contract.js'

const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$'

/** One journal event as the cloud receives it, its payload checked by its type (draft-07 if/then). */
export function eventJsonSchema(): Record<string, unknown> {
  const definitions = JSON.parse(JSON.stringify(EVENT_SCHEMAS)) as Record<string, unknown>
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Tillside journal event (contract v${EVENT_CONTRACT_VERSION})`,
    description:
      'Generated from gateway/store/event-contract.ts. Receivers ignore fields and types they do not know; a changed field makes a new type name.',
    type: 'object',
    required: ['seq', 'id', 'type', 'time', 'device', 'payload'],
    additionalProperties: false,
    properties: {
      seq: {
        type: 'integer',
        minimum: 1,
        description: "The store's journal position; contiguous from 1, never reused",
      },
      id: { type: 'string', pattern: ULID, description: 'ULID, stable across resends' },
      type: { type: 'string', enum: EVENT_TYPES },
      time: { type: 'integer', description: 'ms since the Unix epoch' },
      device: { type: ['string', 'null'] },
      payload: { type: 'object' },
    },
    allOf: EVENT_TYPES.map((type) => ({
      if: { properties: { type: { const: type } } },
      then: { properties: { payload: { $ref: `#/definitions/${type}` } } },
    })),
    definitions,
  }
}

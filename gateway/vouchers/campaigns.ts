/**
 * Campaigns: what a voucher is worth, who issues it, where and when it is redeemable.
 * Loaded from a YAML/JSON file now; the cloud pushes them later (issue #5) through
 * `CampaignCatalog.replace`, which validates exactly like the file.
 */
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { parse as parseYaml } from 'yaml'
import { documentValidator, DocumentError, type Problem } from '../../config/problems.js'
import { LocalText, VoucherValue } from '../../config/schema-parts.js'
import { draft7 } from '../../config/json-schema.js'

const Text = LocalText(200)
const Id = Type.String({ minLength: 1, maxLength: 64 })
const IsoTime = Type.String({
  pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?(Z|[+-]\\d\\d:\\d\\d)$',
  description: 'ISO 8601 time with zone',
})

export const CampaignSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1, maximum: 65535, description: 'Numeric id, printed in every voucher code' }),
    name: Text,
    issuer: Type.Object(
      {
        merchant: Id,
        stores: Type.Optional(
          Type.Array(Id, {
            minItems: 1,
            description: 'Only these stores may issue; default every store of the merchant',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    redeemableAt: Type.Object(
      { merchants: Type.Array(Id, { default: [] }), stores: Type.Array(Id, { default: [] }) },
      {
        additionalProperties: false,
        description: 'A store redeems when its id is in stores or its merchant in merchants',
      },
    ),
    value: VoucherValue,
    validFrom: IsoTime,
    validTo: IsoTime,
    voucherLifetimeDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'A voucher expires this long after issue (or at validTo, if sooner)',
      }),
    ),
    uses: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 1,
      description: 'How many times one voucher can be redeemed',
    }),
    maxPerMember: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Vouchers of this campaign one member can be issued' }),
    ),
    audience: Type.Optional(
      Type.Union(
        [
          Type.Object(
            {
              segment: Type.Union(
                [
                  Type.Literal('top'),
                  Type.Literal('new'),
                  Type.Literal('regular'),
                  Type.Literal('lapsing'),
                  Type.Literal('lost'),
                ],
                { description: 'top: the top 20 % by value; new, regular, lapsing, lost: the member stages' },
              ),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            { tag: Type.String({ minLength: 1, maxLength: 32, description: 'A tag managers put on members by hand' }) },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            "Member-only: vouchers of this campaign are issued only to members of this segment or with this tag (docs/members.md); the prize game's draw does not ask",
        },
      ),
    ),
    onlineCheckAbove: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Vouchers worth at least this (minor units) need an online check with the cloud',
      }),
    ),
    terms: Type.Optional(Text),
  },
  { additionalProperties: false },
)

export const CampaignFileSchema = Type.Object(
  { campaigns: Type.Array(CampaignSchema) },
  { additionalProperties: false },
)

export type Campaign = Static<typeof CampaignSchema>
const validateFile = documentValidator(CampaignFileSchema, 'campaigns')

export interface StoreIdentity {
  id: string
  merchant: string | undefined
  /** The store's display name (config store.name), shown instead of its id. */
  name?: string
}

/** Parses and validates a campaign document; DocumentError lists every problem by key. */
export function parseCampaigns(data: unknown): Campaign[] {
  const { campaigns } = validateFile(structuredClone(data))
  const problems: Problem[] = []
  const seen = new Set<number>()
  campaigns.forEach((c, i) => {
    if (seen.has(c.id)) problems.push({ path: `campaigns[${i}].id`, message: `duplicate id ${c.id}` })
    seen.add(c.id)
    if (!(Date.parse(c.validFrom) < Date.parse(c.validTo)))
      problems.push({ path: `campaigns[${i}].validTo`, message: 'must be after validFrom' })
    if (c.redeemableAt.merchants.length + c.redeemableAt.stores.length === 0) {
      problems.push({ path: `campaigns[${i}].redeemableAt`, message: 'names no merchant or store' })
    }
  })
  if (problems.length > 0) throw new DocumentError('campaigns', problems)
  return campaigns
}

export function loadCampaignFile(file: string): Campaign[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new DocumentError(`campaigns file ${file}`, [
      { path: '(file)', message: (err as NodeJS.ErrnoException).code ?? String(err) },
    ])
  }
  let data: unknown
  try {
    data = parseYaml(text) // YAML is a superset of JSON
  } catch (err) {
    throw new DocumentError(`campaigns file ${file}`, [
      { path: '(file)', message: `not YAML/JSON: ${(err as Error).message.split('\n')[0]}` },
    ])
  }
  return parseCampaigns(data)
}

export class CampaignCatalog {
  private byId = new Map<number, Campaign>()

  constructor(campaigns: Campaign[] = []) {
    this.replace(campaigns)
  }

  replace(campaigns: Campaign[]): void {
    this.byId = new Map(campaigns.map((c) => [c.id, c]))
  }

  get(id: number): Campaign | undefined {
    return this.byId.get(id)
  }

  list(): Campaign[] {
    return [...this.byId.values()]
  }
}

export function redeemableAt(c: Campaign, store: StoreIdentity): boolean {
  return (
    c.redeemableAt.stores.includes(store.id) ||
    (store.merchant !== undefined && c.redeemableAt.merchants.includes(store.merchant))
  )
}

export function issuableAt(c: Campaign, store: StoreIdentity): boolean {
  if (c.issuer.stores) return c.issuer.stores.includes(store.id)
  return store.merchant === undefined || store.merchant === c.issuer.merchant
}

/** config/campaigns.schema.json (for editors), generated by npm run gen:schema. */
export function campaignsJsonSchema(): Record<string, unknown> {
  return draft7('Tillside campaigns', CampaignFileSchema)
}

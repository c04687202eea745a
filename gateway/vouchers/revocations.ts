/**
 * Revoked vouchers, campaigns and issuer keys. A revocation can only make a store refuse
 * more, never accept more, so the list is not signed (the MQTT ACL protects its topic);
 * a newer version replaces an older one whole.
 */
import { Type, type Static } from '@sinclair/typebox'
import { documentValidator } from '../../config/problems.js'
import { voucherKey, type VoucherFields } from './voucher-code.js'

export const RevocationListSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 0 }),
    vouchers: Type.Array(Type.String({ pattern: '^\\d{1,5}:\\d{1,5}:\\d{1,8}$', description: 'kid:campaign:serial' }), {
      default: [],
    }),
    campaigns: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), { default: [] }),
    kids: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), {
      default: [],
      description: 'Issuer keys whose vouchers are all refused (stolen key)',
    }),
  },
  { additionalProperties: false },
)
export type RevocationListDocument = Static<typeof RevocationListSchema>
const validate = documentValidator(RevocationListSchema, 'revocation list')

export class RevocationList {
  private constructor(
    readonly version: number,
    private readonly vouchers: Set<string>,
    private readonly campaigns: Set<number>,
    private readonly kids: Set<number>,
  ) {}

  static empty(): RevocationList {
    return new RevocationList(0, new Set(), new Set(), new Set())
  }

  static parse(data: unknown): RevocationList {
    const doc = validate(structuredClone(data))
    return new RevocationList(doc.version, new Set(doc.vouchers), new Set(doc.campaigns), new Set(doc.kids))
  }

  /** What is revoked, if anything: the voucher itself, its campaign, or its issuer key. */
  check(f: Pick<VoucherFields, 'kid' | 'campaign' | 'serial'>): 'voucher' | 'campaign' | 'issuer' | null {
    if (this.kids.has(f.kid)) return 'issuer'
    if (this.campaigns.has(f.campaign)) return 'campaign'
    if (this.vouchers.has(voucherKey(f))) return 'voucher'
    return null
  }
}

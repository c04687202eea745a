/**
 * The stored-value membership card (储值卡): its currency, the limits a store must keep
 * and the top-up bonus rules. Amounts are minor units (fen, cents). The defaults follow
 * the PRC rules for single-purpose prepaid cards (a named card holds at most ¥5,000).
 */
import { Type, type Static } from '@sinclair/typebox'

const Money = (description: string, dflt: number) =>
  Type.Integer({ minimum: 1, maximum: 100_000_000, default: dflt, description })

export const CardsSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Whether the till and the POS API offer the card (top-up, pay, refund)',
    }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'CNY', description: 'The only currency cards hold' }),
    maxBalance: Money('The most one card may hold (principal and bonus together)', 500_000),
    maxTopUp: Money('The most one top-up may add (before the bonus)', 500_000),
    idCheckAbove: Type.Integer({
      minimum: 0,
      maximum: 100_000_000,
      default: 100_000,
      description:
        'A top-up that takes the balance above this needs the cashier to confirm they checked the member’s ID (real-name); 0 = always',
    }),
    bonuses: Type.Array(
      Type.Object(
        {
          from: Type.Integer({ minimum: 1, description: 'A top-up of at least this much…' }),
          bonus: Type.Integer({ minimum: 1, description: '…gets this much on top, kept apart from what was paid' }),
        },
        { additionalProperties: false },
      ),
      { default: [], maxItems: 20, description: 'Top-up bonus tiers: the highest tier reached applies' },
    ),
    acrossStores: Type.Boolean({
      default: true,
      description:
        "Members of the merchant's other stores may pay from their cards here, and this store's members at its other stores (needs store.merchant and sync; the home store is asked each time)",
    }),
    reversalWindowMinutes: Type.Integer({
      minimum: 0,
      maximum: 7 * 24 * 60,
      default: 30,
      description: 'How long after a top-up a manager may reverse it (a wrong amount, the wrong member)',
    }),
  },
  { additionalProperties: false, default: {} },
)
export type CardsConfig = Static<typeof CardsSchema>

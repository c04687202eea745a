/**
 * A store's colours: `primary` carries white text (buttons, headers, prize names),
 * `accent` is the kiosk's background. The defaults are Tillside's red and gold. A primary
 * that white text cannot be read on, or an accent the titles vanish into, is refused at start.
 * `logo` is a PNG (config/store-logo.ts), read and checked at start too.
 */
import { Type } from '@sinclair/typebox'
import type { Problem } from './problems.js'

const Colour = (description: string, def: string) =>
  Type.String({ pattern: '^#[0-9a-fA-F]{6}$', default: def, description: `${description} (#rrggbb)` })

export const BrandSchema = Type.Object(
  {
    primary: Colour('Buttons, headers and prize names; white text sits on it', '#b3261e'),
    accent: Colour("The kiosk's background", '#f2c14e'),
    logo: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The store's logo, a PNG file (at most 512 KB and 2048 px a side), on the kiosk, the phone pages and the voucher slip; relative to the config file's folder",
      }),
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description: "The store's colours and logo on the kiosk, the phone pages and the slip",
  },
)

/** Relative luminance of #rrggbb (WCAG 2). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** WCAG AA: white text on the primary colour (4.5:1); the kiosk's large primary text on the accent (3:1). */
export function brandProblems(brand: { primary: string; accent: string }, path: string): Problem[] {
  const problems: Problem[] = []
  const white = contrast(brand.primary, '#ffffff')
  if (white < 4.5)
    problems.push({
      path: `${path}.primary`,
      message: `white text on ${brand.primary} has contrast ${white.toFixed(1)}:1; pick a darker colour (at least 4.5:1)`,
    })
  const onAccent = contrast(brand.primary, brand.accent)
  if (onAccent < 3)
    problems.push({
      path: `${path}.accent`,
      message: `${brand.primary} titles on ${brand.accent} have contrast ${onAccent.toFixed(1)}:1; make them further apart (at least 3:1)`,
    })
  return problems
}

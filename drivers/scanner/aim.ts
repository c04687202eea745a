/**
 * AIM symbology identifiers (ISO/IEC 15424): `]` + code character + modifier, sent by
 * the scanner before the data when programmed to. We map the code character (and for a
 * few, the modifier) to a stable symbology name the domain can branch on.
 */
export interface AimParse {
  aimId: string
  symbology: string
  data: string
}

const BY_CODE: Record<string, string> = {
  A: 'code-39',
  C: 'code-128',
  d: 'data-matrix',
  E: 'ean-upc',
  e: 'gs1-databar',
  F: 'codabar',
  G: 'code-93',
  H: 'code-11',
  I: 'itf',
  L: 'pdf417',
  M: 'msi',
  O: 'codablock',
  Q: 'qr',
  R: 'straight-2of5',
  S: 'industrial-2of5',
  X: 'other',
  z: 'aztec',
}

/** Modifiers that change what the symbol is, not just how it was decoded. */
const BY_ID: Record<string, string> = {
  ']C1': 'gs1-128',
  ']E0': 'ean-13',
  ']E3': 'ean-13-addon',
  ']E4': 'ean-8',
  ']d2': 'gs1-datamatrix',
  ']Q3': 'gs1-qr',
  ']e0': 'gs1-databar',
}

const AIM_PATTERN = /^\][A-Za-z][0-9A-Za-z]/

/** Parses a leading AIM identifier; `null` when the text does not start with a valid one. */
export function parseAim(text: string): AimParse | null {
  if (!AIM_PATTERN.test(text)) return null
  const aimId = text.slice(0, 3)
  const symbology = BY_ID[aimId] ?? BY_CODE[aimId[1]!]
  if (!symbology) return null
  return { aimId, symbology, data: text.slice(3) }
}

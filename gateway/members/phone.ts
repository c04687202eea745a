/**
 * Phone numbers as people type them — "138 0013 8000", "+86 138-0013-8000",
 * "0086 13800138000", "+44 (0)7911 123456" — normalised to E.164, or a precise reason why not.
 * Numbers outside mainland China are checked against each country's numbering plan with
 * libphonenumber-js (Google's libphonenumber metadata), so "+1 555 0100" is refused.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { CodedError } from '../../config/coded-error.js'

export class PhoneError extends CodedError<'empty' | 'bad_characters' | 'bad_length' | 'not_mobile' | 'not_a_number'> {
  override readonly name = 'PhoneError'
}

/** `defaultCountry` is the calling code used when the number has none (86 = China). */
export function normalisePhone(input: string, defaultCountry = '86'): string {
  const text = input.normalize('NFKC').trim() // NFKC turns full-width digits (１３８…) into ASCII
  if (text === '') throw new PhoneError('empty', 'phone number is empty')
  if (!/^[+\d\s().\-/]+$/.test(text))
    throw new PhoneError('bad_characters', 'phone number may contain only digits, spaces, + ( ) . - /')
  // "+44 (0)7911 …": the bracketed trunk zero is dialled only inside the country.
  let digits = text.replace(/\(0\)/g, '').replace(/[^\d+]/g, '')
  if (digits.lastIndexOf('+') > 0) throw new PhoneError('bad_characters', '+ may only start the number')
  let country: string
  if (digits.startsWith('+')) digits = digits.slice(1)
  else if (digits.startsWith('00')) digits = digits.slice(2)
  else {
    digits = `${defaultCountry}${digits.replace(/^0+/, '')}` // trunk prefix 0 dropped: 020… → 8620…
  }
  if (digits.startsWith('86')) {
    country = '86'
    const national = digits.slice(2)
    if (!/^1\d{10}$/.test(national)) {
      throw new PhoneError(
        national.length === 11 ? 'not_mobile' : 'bad_length',
        'a mainland China mobile number has 11 digits starting with 1',
      )
    }
    if (!/^1[3-9]/.test(national)) throw new PhoneError('not_mobile', 'a mainland China mobile number starts 13–19')
    return `+${country}${national}`
  }
  if (!/^[1-9]\d{7,14}$/.test(digits))
    throw new PhoneError('bad_length', 'an international number has 8 to 15 digits after the country code')
  const parsed = parsePhoneNumberFromString(`+${digits}`)
  if (!parsed?.isValid())
    throw new PhoneError('not_a_number', `+${digits} is not a number in its country's numbering plan`)
  // Members get their one-time codes by SMS: a line that cannot receive one is no use.
  const type = parsed.getType()
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' && type !== 'PERSONAL_NUMBER')
    throw new PhoneError('not_mobile', `+${digits} is not a mobile number`)
  return parsed.number
}

/**
 * A phone as the back office may show it: the first three and the last four digits
 * ("+86 138****8000", "+447****0958"), enough for a customer at the counter to recognise.
 */
export function maskPhone(e164: string): string {
  const china = e164.startsWith('+86')
  const digits = e164.slice(china ? 3 : 1)
  const hidden = '*'.repeat(Math.max(1, digits.length - 7))
  return `${china ? '+86 ' : '+'}${digits.slice(0, 3)}${hidden}${digits.slice(3 + hidden.length)}`
}

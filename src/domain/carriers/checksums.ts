// Check-digit algorithms used by carrier detection (detect.ts). Pure functions over strings that the
// caller has already normalised (upper-case, no separators). Each takes the payload WITHOUT its check
// digit and returns the expected check digit, so rules compare it with the last character.
// Sources: USPS Pub. 199 (IMpb mod 10), UPU S10 standard, DPD Parcel Label Specification (ISO 7064
// MOD 37,36), and the check-digit descriptions collected in the public jkeen/tracking_number_data project.

/** Numeric value of a character as UPS converts it: digits as is, letters by (char code − 63) mod 10. */
export function upsCharValue(char: string): number {
  const code = char.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : (code - 63) % 10;
}

/**
 * Weighted mod 10 with weights applied from the RIGHTMOST payload character leftwards, cycling through
 * `weightsFromRight`; check = (10 − sum mod 10) mod 10. With [3, 1] this is the GS1 / USPS IMpb / Canada
 * Post / FedEx Ground rule; with [1, 2] (letters via upsCharValue) the UPS 1Z rule; with [2, 1] OnTrac's.
 * Products are summed as they are (no Luhn digit folding).
 */
export function weightedMod10(payload: string, weightsFromRight: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const char = payload[payload.length - 1 - i]!;
    sum += upsCharValue(char) * weightsFromRight[i % weightsFromRight.length]!;
  }
  return (10 - (sum % 10)) % 10;
}

/** FedEx Express 12-digit / 34-digit barcode: weights 1, 3, 7 from the right, sum mod 11 (10 → 0). */
export function fedexMod11(payload: string): number {
  const weights = [1, 3, 7];
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    sum += Number(payload[payload.length - 1 - i]) * weights[i % 3]!;
  }
  return (sum % 11) % 10;
}

/** Remainder of a decimal string divided by `modulus`, digit by digit (no precision loss). */
export function decimalMod(digits: string, modulus: number): number {
  let remainder = 0;
  for (const char of digits) remainder = (remainder * 10 + Number(char)) % modulus;
  return remainder;
}

/** UPU S10: the 8 serial digits weighted 8,6,4,2,3,5,9,7; check = 11 − sum mod 11, then 10 → 0 and 11 → 5. */
export function s10CheckDigit(serial8: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial8[i]) * weights[i]!;
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

/** Luhn (ISO/IEC 7812) over a whole number including its check digit; true when it validates. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let value = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return sum % 10 === 0;
}

/** Deutsche Post Identcode / Leitcode: weights 4, 9 alternating from the LEFT; check = (10 − sum mod 10) mod 10. */
export function identcodeCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += Number(payload[i]) * (i % 2 === 0 ? 4 : 9);
  return (10 - (sum % 10)) % 10;
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** ISO/IEC 7064 MOD 37,36 (hybrid system), as used for the DPD parcel label check character. */
export function iso7064Mod37x36(payload: string): string {
  const modulus = 36;
  let product = modulus;
  for (const char of payload) {
    const value = ALPHANUMERIC.indexOf(char);
    let sum = (product + value) % modulus;
    if (sum === 0) sum = modulus;
    product = (sum * 2) % (modulus + 1);
  }
  return ALPHANUMERIC[(modulus + 1 - product) % modulus]!;
}

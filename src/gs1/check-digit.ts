const DIGITS = /^\d+$/;

/**
 * GS1 mod-10 check digit (GTIN, SSCC, GLN, ...): weights 3 and 1 alternate
 * from the rightmost data digit, which always has weight 3.
 */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  if (!DIGITS.test(digitsWithoutCheck)) {
    throw new RangeError(`Expected digits, got "${digitsWithoutCheck}"`);
  }
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const fromRight = digitsWithoutCheck.length - 1 - i;
    const weight = fromRight % 2 === 0 ? 3 : 1;
    sum += Number(digitsWithoutCheck[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** The digits with their GS1 check digit appended. */
export function withCheckDigit(digitsWithoutCheck: string): string {
  return `${digitsWithoutCheck}${gs1CheckDigit(digitsWithoutCheck)}`;
}

/** True when `digits` is all digits and its last digit is the right check digit. */
export function hasValidCheckDigit(digits: string): boolean {
  if (digits.length < 2 || !DIGITS.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

import { gs1CheckDigit, hasValidCheckDigit, withCheckDigit } from './check-digit';

describe('gs1CheckDigit', () => {
  it.each([
    ['0950600013435', 2], // GTIN-14 09506000134352
    ['950600013435', 2], // the same GTIN as GTIN-13
    ['10614141234567890', 8], // SSCC 106141412345678908
    ['9638507', 4], // GTIN-8 96385074
    ['0000000000000', 0],
  ])('gives the check digit of %s as %d', (digits, expected) => {
    expect(gs1CheckDigit(digits)).toBe(expected);
  });

  it('refuses non-digits', () => {
    expect(() => gs1CheckDigit('12a4')).toThrow(RangeError);
    expect(() => gs1CheckDigit('')).toThrow(RangeError);
  });
});

describe('hasValidCheckDigit', () => {
  it.each(['09506000134352', '9506000134352', '106141412345678908', '96385074'])(
    'accepts %s',
    (digits) => expect(hasValidCheckDigit(digits)).toBe(true),
  );

  it.each(['09506000134353', '106141412345678909', '96385075', '', '5', '0950600013435X'])(
    'refuses %p',
    (digits) => expect(hasValidCheckDigit(digits)).toBe(false),
  );
});

describe('withCheckDigit', () => {
  it('appends the check digit, giving a code hasValidCheckDigit accepts', () => {
    expect(withCheckDigit('0950600013435')).toBe('09506000134352');
    expect(hasValidCheckDigit(withCheckDigit('10614141234567890'))).toBe(true);
  });
});

import { GS, declaresAiData, parseElementString, stripScannerPrefix } from './element-string';

const NOW = new Date('2025-06-15T12:00:00Z');
const UNIT_AIS = { '01': '09506000134352', '17': '281231', '10': 'ABC123', '21': 'SN0001' };

describe('stripScannerPrefix', () => {
  it.each([
    [']d2010950', '010950'],
    [']C1010950', '010950'],
    [`]Q3${GS}010950`, '010950'],
    [`${GS}${GS}010950`, '010950'],
    [']E09506000134352', '9506000134352'],
    ['010950', '010950'],
    ['](010950', '](010950'],
  ])('turns %p into %p', (scan, expected) => {
    expect(stripScannerPrefix(scan)).toBe(expected);
  });
});

describe('declaresAiData', () => {
  it.each([']C1', ']e0', ']d2', ']Q3', ']J1', GS, `]d1${GS}`])('is true after %p', (prefix) => {
    expect(declaresAiData(`${prefix}0109506000134352`)).toBe(true);
  });

  it.each(['', ']E0', ']I1', ']Q1', ']d1'])('is false after %p', (prefix) => {
    expect(declaresAiData(`${prefix}09506000134352`)).toBe(false);
  });
});

describe('parseElementString', () => {
  it.each([
    '(01)09506000134352(17)281231(10)ABC123(21)SN0001',
    '(21)SN0001(10)ABC123(17)281231(01)09506000134352',
    ' (01) 09506000134352 (17) 281231 (10) ABC123 (21) SN0001 ',
    `0109506000134352172812311 0ABC123${GS}21SN0001`.replace('1 0', '10'),
    `10ABC123${GS}21SN0001${GS}010950600013435217281231`,
    `${GS}01095060001343521728123110ABC123${GS}21SN0001${GS}`,
    `01095060001343521728123110ABC123${GS}${GS}21SN0001`,
    `]d201095060001343521728123110ABC123${GS}21SN0001`,
  ])('reads %p', (code) => {
    expect(parseElementString(code, NOW)).toEqual({ ok: true, ais: UNIT_AIS });
  });

  it('accepts a GS after a fixed-length field that did not need one', () => {
    const code = `0109506000134352${GS}17281231${GS}10ABC123${GS}21SN0001`;
    expect(parseElementString(code, NOW)).toEqual({ ok: true, ais: UNIT_AIS });
  });

  it('reads a fixed-length AI outside the predefined set with or without its GS', () => {
    const expected = { ok: true, ais: { '01': '09506000134352', '422': '250', '10': 'L1' } };
    expect(parseElementString(`0109506000134352422250${GS}10L1`, NOW)).toEqual(expected);
    expect(parseElementString('010950600013435242225010L1', NOW)).toEqual(expected);
  });

  it('reads parentheses inside bracketed data, escaped or not looking like an AI', () => {
    expect(parseElementString('(01)09506000134352(10)A(B)\\(10)C', NOW)).toEqual({
      ok: true,
      ais: { '01': '09506000134352', '10': 'A(B)(10)C' },
    });
  });

  it('reads a measure and a 4-digit AI', () => {
    expect(parseElementString(`01095060001343523103000750${GS}7003280101123010L1`, NOW)).toEqual({
      ok: true,
      ais: { '01': '09506000134352', '3103': '000750', '7003': '2801011230', '10': 'L1' },
    });
  });

  it('allows the same AI twice with the same value', () => {
    expect(parseElementString('(01)09506000134352(10)A(10)A', NOW)).toEqual({
      ok: true,
      ais: { '01': '09506000134352', '10': 'A' },
    });
  });

  it('does not need a GTIN or SSCC at this level', () => {
    expect(parseElementString('(10)ABC', NOW)).toEqual({ ok: true, ais: { '10': 'ABC' } });
  });

  it.each([
    ['', 'The scan is empty'],
    ['(01', 'The bracketed code is malformed at character 1'],
    ['(01)09506000134352(1)2', '(01) GTIN must be 14 digits long, not 18'],
    ['(01)09506000134352(12345)2', '(01) GTIN must be 14 digits long, not 22'],
    ['(0A)1', 'The bracketed code is malformed at character 1'],
    ['AB01', 'The scan is not GS1 data: expected an application identifier at character 1'],
    ['010950600013435210A' + GS + 'X', 'expected an application identifier at character 21'],
    ['01095060001343520512', 'Unknown application identifier starting with 05'],
    ['0109506000134352239X', 'Unknown application identifier (239)'],
    ['(01)09506000134352(239)X', 'Unknown application identifier (239)'],
    ['(01)09506000134352(10)A(10)B', '(10) BATCH/LOT appears twice with different values'],
    [
      '(01)09506000134352(10)AB CD',
      '(10) BATCH/LOT contains a character that is not allowed: a space',
    ],
    ['(01)09506000134352(10)AB#', '(10) BATCH/LOT contains a character that is not allowed: "#"'],
    [
      '(01)09506000134352(10)ABé',
      '(10) BATCH/LOT contains a character that is not allowed: U+00E9',
    ],
    [`0109506000134352${GS}10AB\tC`, 'not allowed: U+0009'],
    ['(01)09506000134352(17)28123', '(17) USE BY OR EXPIRY must be 6 digits long, not 5'],
    [`0109506000134352172812${GS}10A`, '(17) USE BY OR EXPIRY must be 6 digits long, not 4'],
    ['(01)09506000134352(17)2812AB', '(17) USE BY OR EXPIRY must contain digits only'],
    ['(01)09506000134352(17)281301', '(17) USE BY OR EXPIRY 281301 is not a valid date'],
    ['(01)09506000134352(30)123456789', '(30) VAR. COUNT is longer than the 8 digits allowed'],
    ['(01)09506000134352(253)123', '(253) GDTI must be at least 13 characters long'],
    ['(01)09506000134352(7007)2801011', '(7007) HARVEST DATE has the wrong length'],
    ['(414)9506000134351', '(414) LOC No. 9506000134351 has a wrong check digit (expected 2)'],
    ['(8006)095060001343530102', 'GTIN 09506000134353 has a wrong check digit (expected 2)'],
  ])('refuses %p: %s', (code, message) => {
    const result = parseElementString(code, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});

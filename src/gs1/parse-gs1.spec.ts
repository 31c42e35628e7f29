import { GS } from './element-string';
import { parseGs1 } from './parse-gs1';

const NOW = new Date('2025-06-15T12:00:00Z');

const GS1_UNIT = {
  ok: true,
  kind: 'unit',
  gtin: '09506000134352',
  lot: 'ABC123',
  serial: 'SN0001',
  expiry: '2028-12-31',
  ais: { '01': '09506000134352', '17': '281231', '10': 'ABC123', '21': 'SN0001' },
};

const RAW_UNIT = `01095060001343521728123110ABC123${GS}21SN0001`;

function errorOf(code: string, now = NOW): string {
  const result = parseGs1(code, now);
  if (result.ok) throw new Error(`expected ${JSON.stringify(code)} to be refused`);
  return result.error;
}

describe('parseGs1 with GS1 examples', () => {
  it.each([
    ['Digital Link', 'https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=281231'],
    ['Digital Link over http', 'http://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=281231'],
    [
      'Digital Link with a brand host and prefix',
      'https://brand.example.com/some/prefix/01/9506000134352/10/ABC123/21/SN0001?17=281231&foo=bar',
    ],
    [
      'Digital Link in a GS1 QR Code',
      ']Q1https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=281231',
    ],
    ['bracketed', '(01)09506000134352(17)281231(10)ABC123(21)SN0001'],
    ['bracketed, other order', '(10)ABC123(21)SN0001(01)09506000134352(17)281231'],
    ['raw', RAW_UNIT],
    ['raw with leading FNC1', `${GS}${RAW_UNIT}`],
    ['raw, GS1 DataMatrix', `]d2${RAW_UNIT}`],
    ['raw, GS1-128', `]C1${RAW_UNIT}`],
    ['raw, GS1 QR Code', `]Q3${RAW_UNIT}`],
    ['raw, GS1 DataBar', `]e0${RAW_UNIT}`],
    ['raw, symbology id and FNC1', `]d2${GS}${RAW_UNIT}`],
    [
      'raw with GS after every field',
      `0109506000134352${GS}17281231${GS}10ABC123${GS}21SN0001${GS}`,
    ],
    ['raw, variable fields first', `10ABC123${GS}21SN0001${GS}010950600013435217281231`],
    ['raw with scanner CR LF', `${RAW_UNIT}\r\n`],
  ])('reads the unit from its %s form', (_form, code) => {
    expect(parseGs1(code, NOW)).toEqual(GS1_UNIT);
  });

  it.each([
    '(00)106141412345678908',
    `]C100106141412345678908`,
    '00106141412345678908',
    'https://id.gs1.org/00/106141412345678908',
    '/00/106141412345678908',
    '106141412345678908',
  ])('reads the SSCC pallet label %p', (code) => {
    expect(parseGs1(code, NOW)).toEqual({
      ok: true,
      kind: 'pallet',
      sscc: '106141412345678908',
      ais: { '00': '106141412345678908' },
    });
  });

  it.each([
    ['09506000134352', '09506000134352'],
    ['9506000134352', '09506000134352'],
    [']E09506000134352', '09506000134352'],
    ['614141000036', '00614141000036'],
    ['96385074', '00000096385074'],
    ['  09506000134352  ', '09506000134352'],
  ])('reads the bare GTIN %p', (code, gtin) => {
    expect(parseGs1(code, NOW)).toEqual({ ok: true, kind: 'unit', gtin, ais: { '01': gtin } });
  });

  it('treats an SSCC label listing its contents (02) as a pallet', () => {
    expect(parseGs1(`(00)106141412345678908(02)09506000134352(37)40`, NOW)).toEqual({
      ok: true,
      kind: 'pallet',
      sscc: '106141412345678908',
      ais: { '00': '106141412345678908', '02': '09506000134352', '37': '40' },
    });
  });

  it('reads a unit from AI 02 when there is no SSCC', () => {
    expect(parseGs1(`0209506000134352${'37'}12`, NOW)).toMatchObject({
      ok: true,
      kind: 'unit',
      gtin: '09506000134352',
    });
  });

  it('prefers the GTIN when a code carries both GTIN and SSCC', () => {
    expect(parseGs1('(00)106141412345678908(01)09506000134352', NOW)).toMatchObject({
      kind: 'unit',
      gtin: '09506000134352',
      ais: { '00': '106141412345678908' },
    });
  });

  it('keeps the other AIs without turning them into fields', () => {
    expect(parseGs1('(01)09506000134352(15)281100(3103)000750', NOW)).toEqual({
      ok: true,
      kind: 'unit',
      gtin: '09506000134352',
      ais: { '01': '09506000134352', '15': '281100', '3103': '000750' },
    });
  });
});

describe('parseGs1 expiry dates', () => {
  it.each([
    ['281231', '2028-12-31'],
    ['281100', '2028-11-30'],
    ['280200', '2028-02-29'],
    ['270200', '2027-02-28'],
    ['130101', '2013-01-01'],
    ['750101', '2075-01-01'],
    ['760101', '1976-01-01'],
  ])('reads expiry %s as %s in 2025', (yymmdd, iso) => {
    expect(parseGs1(`(01)09506000134352(17)${yymmdd}`, NOW)).toMatchObject({ expiry: iso });
  });

  it.each([
    [2060, '100101', '2110-01-01'],
    [2060, '110101', '2011-01-01'],
    [2049, '000229', '2000-02-29'],
    [2099, '000200', '2100-02-28'],
    [2000, '500101', '2050-01-01'],
    [2000, '510101', '1951-01-01'],
  ])('in %d reads expiry %s as %s', (year, yymmdd, iso) => {
    const now = new Date(Date.UTC(year, 6, 1));
    expect(parseGs1(`(01)09506000134352(17)${yymmdd}`, now)).toMatchObject({ expiry: iso });
  });

  it('checks 29 February against the century the window picks', () => {
    expect(errorOf('(01)09506000134352(17)000229', new Date('2051-01-01T00:00:00Z'))).toBe(
      '(17) USE BY OR EXPIRY 000229 is not a valid date',
    );
  });
});

describe('parseGs1 refusals', () => {
  const tooLong = `(01)09506000134352(10)${'A'.repeat(600)}`;

  it.each([
    [
      'bad GTIN check digit',
      '(01)09506000134353',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'bad GTIN check digit, raw',
      `]d2010950600013435310ABC`,
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'bad GTIN-13 check digit, bare',
      '9506000134353',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'bad GTIN check digit, Digital Link',
      'https://id.gs1.org/01/09506000134353/10/ABC123',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'bad GTIN (02) check digit',
      '(02)09506000134353(37)5',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'bad SSCC check digit',
      '(00)106141412345678909',
      'SSCC 106141412345678909 has a wrong check digit (expected 8)',
    ],
    [
      'bad SSCC check digit, bare',
      '106141412345678900',
      'SSCC 106141412345678900 has a wrong check digit (expected 8)',
    ],
    [
      'bad SSCC check digit, Digital Link',
      '/00/106141412345678901',
      'SSCC 106141412345678901 has a wrong check digit (expected 8)',
    ],
    ['unknown AI', '(01)09506000134352(05)123', 'Unknown application identifier (05)'],
    ['unknown 4-digit AI', '(01)09506000134352(8099)1', 'Unknown application identifier (8099)'],
    ['unknown AI, raw', '01095060001343520512', 'Unknown application identifier starting with 05'],
    [
      'unknown AI in a link query',
      'https://id.gs1.org/01/09506000134352?4999=1',
      'Unknown application identifier (4999)',
    ],
    ['truncated GTIN', '(01)0950600013435', '(01) GTIN must be 14 digits long, not 13'],
    ['truncated GTIN, raw', '01095060001', '(01) GTIN must be 14 digits long, not 9'],
    [
      'truncated GTIN, raw with symbology id',
      ']C101095060001343',
      '(01) GTIN must be 14 digits long, not 12',
    ],
    ['truncated SSCC', '(00)10614141234567890', '(00) SSCC must be 18 digits long, not 17'],
    [
      'truncated expiry',
      '0109506000134352172812',
      '(17) USE BY OR EXPIRY must be 6 digits long, not 4',
    ],
    [
      'expiry cut by a GS',
      `01095060001343521728${GS}10A`,
      '(17) USE BY OR EXPIRY must be 6 digits long, not 2',
    ],
    ['empty lot, bracketed', '(01)09506000134352(10)', '(10) BATCH/LOT has no value'],
    ['empty lot, raw', ']d2010950600013435210', '(10) BATCH/LOT has no value'],
    ['empty lot, raw after FNC1', `${GS}010950600013435210`, '(10) BATCH/LOT has no value'],
    ['empty lot before GS', `010950600013435210${GS}21X`, '(10) BATCH/LOT has no value'],
    [
      'lot over 20 characters',
      '(01)09506000134352(10)ABCDEFGHIJKLMNOPQRSTU',
      '(10) BATCH/LOT is longer than the 20 characters allowed',
    ],
    [
      'lot over 20 characters, raw',
      '010950600013435210ABCDEFGHIJKLMNOPQRSTU',
      '(10) BATCH/LOT is longer than the 20 characters allowed',
    ],
    [
      'serial over 20 characters, link',
      `/01/09506000134352/21/${'9'.repeat(21)}`,
      '(21) SERIAL is longer than the 20 characters allowed',
    ],
    ['non-numeric GTIN', '(01)0950600013435X', '(01) GTIN must contain digits only'],
    ['non-numeric GTIN, raw', '01ABCDEFGHIJKLMN', '(01) GTIN must contain digits only'],
    [
      'non-numeric expiry',
      '(01)09506000134352(17)28DEC1',
      '(17) USE BY OR EXPIRY must contain digits only',
    ],
    [
      'lot with a space',
      '(01)09506000134352(10)AB 12',
      '(10) BATCH/LOT contains a character that is not allowed: a space',
    ],
    [
      'lot with a non-GS1 character',
      '(01)09506000134352(10)AB~12',
      '(10) BATCH/LOT contains a character that is not allowed: "~"',
    ],
    [
      'two different lots',
      '(01)09506000134352(10)A(10)B',
      '(10) BATCH/LOT appears twice with different values',
    ],
    [
      'two different GTINs',
      '(01)09506000134352(01)00000096385074',
      '(01) GTIN appears twice with different values',
    ],
    [
      'month 13',
      '(01)09506000134352(17)281301',
      '(17) USE BY OR EXPIRY 281301 is not a valid date',
    ],
    [
      'month 00',
      '(01)09506000134352(17)280001',
      '(17) USE BY OR EXPIRY 280001 is not a valid date',
    ],
    [
      '30 February',
      '(01)09506000134352(17)280230',
      '(17) USE BY OR EXPIRY 280230 is not a valid date',
    ],
    [
      '29 February outside a leap year',
      '(01)09506000134352(17)270229',
      '(17) USE BY OR EXPIRY 270229 is not a valid date',
    ],
    [
      '31 April',
      '(01)09506000134352(17)280431',
      '(17) USE BY OR EXPIRY 280431 is not a valid date',
    ],
    [
      'bad production date',
      '(01)09506000134352(11)281332',
      '(11) PROD DATE 281332 is not a valid date',
    ],
    ['no GTIN or SSCC', '(10)ABC123(17)281231', 'The barcode has no GTIN or SSCC'],
    [
      'no GTIN or SSCC in a link',
      'https://id.gs1.org/414/9506000134369',
      'The barcode has no GTIN or SSCC',
    ],
    ['empty string', '', 'The scan is empty'],
    ['only whitespace', ' \r\n', 'The scan is empty'],
    ['only a symbology identifier', ']d2', 'The scan is empty'],
    ['only FNC1', GS, 'The scan is empty'],
    [
      'absurd length',
      '0'.repeat(513),
      'The scan is too long to be a GS1 code (over 512 characters)',
    ],
    ['absurd length of text', tooLong, 'The scan is too long'],
    ['megabytes of input', '('.repeat(5_000_000), 'The scan is too long'],
    ['plain text', 'hello world', 'The scan is not GS1 data'],
    ['malformed brackets', '(01', 'The bracketed code is malformed'],
    ['link without a key', 'https://example.com/products/42', 'not a GS1 Digital Link'],
    [
      'link with bad percent-encoding',
      'https://id.gs1.org/01/09506000134352/10/%ZZ',
      'badly encoded',
    ],
    [
      'link with expiry in the path',
      'https://id.gs1.org/01/09506000134352/17/281231',
      '(17) USE BY OR EXPIRY belongs in the query',
    ],
    [
      'wrong number of digits for a bare code',
      '095060001343521',
      'Unknown application identifier starting with 09',
    ],
  ])('refuses %s', (_case, code, message) => {
    expect(errorOf(code)).toContain(message);
  });

  it('answers absurd input without heavy work', () => {
    const started = process.hrtime.bigint();
    parseGs1(`(10)${'\\('.repeat(10_000_000)}`, NOW);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('writes every message as one short sentence', () => {
    const codes = ['', '(01)09506000134353', '(01)09506000134352(17)280230', '0'.repeat(513)];
    for (const code of codes) {
      const message = errorOf(code);
      expect(message.length).toBeLessThan(100);
      expect(message).toMatch(/^[A-Z(]/);
      expect(message).not.toContain('\n');
    }
  });
});

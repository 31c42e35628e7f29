import { isDigitalLink, parseDigitalLink } from './digital-link';

const NOW = new Date('2025-06-15T12:00:00Z');
const UNIT_AIS = { '01': '09506000134352', '17': '281231', '10': 'ABC123', '21': 'SN0001' };

describe('isDigitalLink', () => {
  it.each(['https://id.gs1.org/01/1', 'HTTP://X/01/1', '/01/1'])('recognises %p', (text) => {
    expect(isDigitalLink(text)).toBe(true);
  });

  it.each(['ftp://x/01/1', '(01)1', '0109', 'id.gs1.org/01/1'])('rejects %p', (text) => {
    expect(isDigitalLink(text)).toBe(false);
  });
});

describe('parseDigitalLink', () => {
  it.each([
    'https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=281231',
    'http://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=281231',
    'HTTPS://ID.GS1.ORG/01/09506000134352/10/ABC123/21/SN0001?17=281231',
    'https://brand.example.com/some/prefix/01/09506000134352/10/ABC123/21/SN0001?17=281231&foo=bar',
    'https://example.com:8443/01/9506000134352/21/SN0001?10=ABC123&17=281231#top',
    'https://example.com/01/9506000134352/10/ABC123/21/SN0001/?17=281231',
    'https://example.com/01/09506000134352/10/AB%43123/21/SN%300%301?%31%37=281231&linkType=all',
    '/01/09506000134352/10/ABC123/21/SN0001?17=281231',
  ])('reads %p', (uri) => {
    expect(parseDigitalLink(uri, NOW)).toEqual({ ok: true, ais: UNIT_AIS });
  });

  it.each([
    ['96385074', '00000096385074'],
    ['123456789012', '00123456789012'],
    ['9506000134352', '09506000134352'],
    ['09506000134352', '09506000134352'],
  ])('normalises GTIN %s to %s', (gtin, gtin14) => {
    expect(parseDigitalLink(`https://id.gs1.org/01/${gtin}`, NOW)).toEqual({
      ok: true,
      ais: { '01': gtin14 },
    });
  });

  it('reads an SSCC link', () => {
    expect(parseDigitalLink('https://id.gs1.org/00/106141412345678908', NOW)).toEqual({
      ok: true,
      ais: { '00': '106141412345678908' },
    });
  });

  it('finds the key even when the site prefix looks like AI data', () => {
    expect(parseDigitalLink('https://x.example/10/shop/01/09506000134352/21/10', NOW)).toEqual({
      ok: true,
      ais: { '01': '09506000134352', '21': '10' },
    });
  });

  it('decodes percent-escapes and reads "+" in the query as a space', () => {
    expect(
      parseDigitalLink('https://x.example/01/09506000134352/10/A%2FB%2B?21=C%26D', NOW),
    ).toEqual({ ok: true, ais: { '01': '09506000134352', '10': 'A/B+', '21': 'C&D' } });
    const plus = parseDigitalLink('https://x.example/01/09506000134352?10=A+B', NOW);
    expect(!plus.ok && plus.error).toContain('not allowed: a space');
  });

  it.each([
    [
      'https://id.gs1.org/01/09506000134353',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'https://id.gs1.org/01/9506000134353',
      'GTIN 09506000134353 has a wrong check digit (expected 2)',
    ],
    [
      'https://id.gs1.org/00/106141412345678909',
      'SSCC 106141412345678909 has a wrong check digit (expected 8)',
    ],
    ['https://id.gs1.org/01/95060001343', '(01) GTIN must be 14 digits long, not 11'],
    ['https://id.gs1.org/01/0950600013435A', '(01) GTIN must contain digits only'],
    ['https://id.gs1.org/01/09506000134352?9999=1', 'Unknown application identifier (9999)'],
    ['https://id.gs1.org/01/09506000134352?05=1', 'Unknown application identifier (05)'],
    [
      'https://id.gs1.org/01/09506000134352/17/281231',
      '(17) USE BY OR EXPIRY belongs in the query',
    ],
    ['https://id.gs1.org/01/09506000134352/10/A?10=B', '(10) BATCH/LOT appears twice'],
    ['https://id.gs1.org/01/09506000134352/10/%E0%A4%A', 'badly encoded character'],
    [
      'https://id.gs1.org/01/09506000134352?17=280230',
      '(17) USE BY OR EXPIRY 280230 is not a valid date',
    ],
    ['https://id.gs1.org/01/09506000134352?17', '(17) USE BY OR EXPIRY has no value'],
    ['https://id.gs1.org/01/09506000134352/10/', 'not a GS1 Digital Link'],
    ['https://id.gs1.org/01/09506000134352/21', 'not a GS1 Digital Link'],
    ['https://example.com/products/123', 'not a GS1 Digital Link'],
    ['https://example.com/', 'not a GS1 Digital Link'],
    ['https://id.gs1.org/10/ABC123', 'not a GS1 Digital Link'],
    [`https://id.gs1.org/01/09506000134352/10/${'A'.repeat(21)}`, 'longer than the 20'],
    [`https://id.gs1.org/01/${'9'.repeat(600)}`, 'too long'],
  ])('refuses %p: %s', (uri, message) => {
    const result = parseDigitalLink(uri, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});

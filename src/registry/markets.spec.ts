import { EEA_COUNTRIES, EU_COUNTRIES, expandMarkets, isMarketCode, marketCovers } from './markets';

describe('markets', () => {
  it('lists 27 EU member states and 30 EEA countries, each once', () => {
    expect(new Set(EU_COUNTRIES).size).toBe(27);
    expect(new Set(EEA_COUNTRIES).size).toBe(30);
    expect(EEA_COUNTRIES).toEqual(expect.arrayContaining(['IS', 'LI', 'NO', ...EU_COUNTRIES]));
  });

  it.each([
    ['NL', true],
    ['EU', true],
    ['EEA', true],
    ['US', true],
    ['nl', false],
    ['N', false],
    ['NLD', false],
    ['E1', false],
    ['', false],
  ])('isMarketCode(%j) is %s', (code, valid) => {
    expect(isMarketCode(code)).toBe(valid);
  });

  it.each([
    [['NL'], ['NL']],
    [
      ['US', 'NL', 'US'],
      ['NL', 'US'],
    ],
    [['EU'], [...EU_COUNTRIES].sort()],
    [['EEA'], [...EEA_COUNTRIES].sort()],
    [['EU', 'NO', 'CH'], [...EU_COUNTRIES, 'NO', 'CH'].sort()],
    [[], []],
  ])('expandMarkets(%j)', (codes, countries) => {
    expect(expandMarkets(codes)).toEqual(countries);
  });

  it.each([
    [['NL'], 'NL', true],
    [['EU'], 'NL', true],
    [['EEA'], 'NL', true],
    [['EU'], 'NO', false],
    [['EEA'], 'NO', true],
    [['EEA'], 'CH', false],
    [['DE', 'US'], 'US', true],
    [['DE'], 'NL', false],
    [[], 'NL', false],
  ])('marketCovers(%j, %s) is %s', (markets, country, covered) => {
    expect(marketCovers(markets, country)).toBe(covered);
  });
});

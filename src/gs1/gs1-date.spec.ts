import { parseGs1Date, resolveCentury } from './gs1-date';

const NOW = new Date('2025-06-15T12:00:00Z');

describe('parseGs1Date', () => {
  it.each([
    ['281231', '2028-12-31'],
    ['281100', '2028-11-30'],
    ['280200', '2028-02-29'],
    ['270200', '2027-02-28'],
    ['280229', '2028-02-29'],
    ['130101', '2013-01-01'],
    ['000100', '2000-01-31'],
  ])('reads %s as %s', (yymmdd, iso) => {
    expect(parseGs1Date(yymmdd, NOW)).toBe(iso);
  });

  it.each([
    '280230',
    '270229',
    '280431',
    '281301',
    '280001',
    '281232',
    '2812',
    '2812311',
    'ab1231',
    '',
  ])('refuses %p', (yymmdd) => expect(parseGs1Date(yymmdd, NOW)).toBeNull());

  it('uses the century of the window around now for leap years', () => {
    expect(parseGs1Date('000229', new Date('2025-01-01T00:00:00Z'))).toBe('2000-02-29');
    expect(parseGs1Date('000229', new Date('2075-01-01T00:00:00Z'))).toBeNull(); // 2100
    expect(parseGs1Date('000200', new Date('2075-01-01T00:00:00Z'))).toBe('2100-02-28');
  });
});

describe('resolveCentury (GS1 General Specifications 7.12)', () => {
  it.each([
    [2025, 25, 2025],
    [2025, 75, 2075], // 50 years ahead: still the current century
    [2025, 76, 1976], // 51 years ahead: previous century
    [2025, 0, 2000],
    [2025, 99, 1999],
    [2060, 10, 2110], // 50 years ahead crosses into the next century
    [2060, 11, 2011], // 49 years back
    [2099, 0, 2100],
    [2000, 50, 2050],
    [2000, 51, 1951],
  ])('in %d reads YY=%d as %d', (currentYear, yy, year) => {
    expect(resolveCentury(yy, new Date(Date.UTC(currentYear, 5, 1)))).toBe(year);
  });

  it('keeps every year within [current - 49, current + 50]', () => {
    for (const currentYear of [1999, 2000, 2025, 2049, 2050, 2051]) {
      const now = new Date(Date.UTC(currentYear, 0, 1));
      const years = Array.from({ length: 100 }, (_, yy) => resolveCentury(yy, now)).sort(
        (a, b) => a - b,
      );
      expect(years[0]).toBe(currentYear - 49);
      expect(years[99]).toBe(currentYear + 50);
    }
  });

  it('refuses an invalid now', () => {
    expect(() => resolveCentury(25, new Date('nope'))).toThrow(RangeError);
  });
});

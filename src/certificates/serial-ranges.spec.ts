import { expandRange, rangeCovers, rangeSize, serialAt, serialCount } from './serial-ranges';

const range = { prefix: 'SN', start: 8, end: 12, width: 4 };

describe('serial ranges', () => {
  it('expands to prefix plus the zero-padded number', () => {
    expect([...expandRange(range)]).toEqual(['SN0008', 'SN0009', 'SN0010', 'SN0011', 'SN0012']);
    expect(serialAt({ prefix: '', start: 0, end: 0, width: 1 }, 0)).toBe('0');
  });

  it('counts its serials, and a certificate its listed plus ranged serials', () => {
    expect(rangeSize(range)).toBe(5);
    expect(rangeSize({ prefix: 'A', start: 1, end: 1_000_000, width: 7 })).toBe(1_000_000);
    expect(serialCount(['X', 'Y'], [range, range])).toBe(12);
    expect(serialCount()).toBe(0);
  });

  it.each([
    ['SN0008', true],
    ['SN0012', true],
    ['SN0007', false],
    ['SN0013', false],
    ['SN008', false],
    ['SN00010', false],
    ['XN0010', false],
    ['SN00a1', false],
    ['SN', false],
  ])('covers %s: %s', (serial, covered) => {
    expect(rangeCovers(range, serial)).toBe(covered);
  });

  it('agrees with its own expansion', () => {
    for (const serial of expandRange(range)) expect(rangeCovers(range, serial)).toBe(true);
  });
});

import { HALF_LIFE_DAYS, riskScore } from './supplier-risk';

const now = new Date('2026-12-01T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('riskScore', () => {
  it('is 0 without quarantines', () => {
    expect(riskScore([], now)).toBe(0);
  });

  it('adds 10 points for a quarantine today, 5 for one a half-life ago', () => {
    expect(riskScore([now], now)).toBe(10);
    expect(riskScore([daysAgo(HALF_LIFE_DAYS)], now)).toBe(5);
    expect(riskScore([now, daysAgo(HALF_LIFE_DAYS)], now)).toBe(15);
  });

  it('rises with every quarantine and stops at 100', () => {
    const scores = [1, 2, 5, 10, 11, 50].map((n) => riskScore(Array(n).fill(now), now));
    expect(scores).toEqual([10, 20, 50, 100, 100, 100]);
  });
});

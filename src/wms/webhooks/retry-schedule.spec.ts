import { MAX_RETRY_DELAY_MS, nextAttemptAt } from './retry-schedule';

const HOUR = 60 * 60 * 1000;
const policy = { baseMs: 5_000, giveUpAfterMs: 24 * HOUR };
const createdAt = new Date('2026-11-22T08:00:00.000Z');
const after = (ms: number) => new Date(createdAt.getTime() + ms);
const delayOf = (attempts: number, random: number, now = createdAt) =>
  nextAttemptAt(attempts, createdAt, now, policy, () => random)!.getTime() - now.getTime();

describe('nextAttemptAt', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [10, 2_560_000],
    [11, MAX_RETRY_DELAY_MS],
    [40, MAX_RETRY_DELAY_MS],
  ])('after %i failed attempts waits between half of and the full %i ms', (attempts, step) => {
    expect(delayOf(attempts, 0)).toBe(step / 2);
    expect(delayOf(attempts, 0.999999)).toBe(Math.round(step / 2 + (step / 2) * 0.999999));
    expect(delayOf(attempts, 0.5)).toBe((step * 3) / 4);
  });

  it('treats attempt 0 like the first', () => {
    expect(delayOf(0, 0)).toBe(2_500);
  });

  it('keeps retrying while the next attempt is within 24 hours of the message', () => {
    expect(nextAttemptAt(30, createdAt, after(23 * HOUR), policy, () => 0)).toEqual(
      after(23.5 * HOUR),
    );
    expect(nextAttemptAt(30, createdAt, after(23.5 * HOUR), policy, () => 0)).toEqual(
      after(24 * HOUR),
    );
  });

  it('gives up when the next attempt would start after 24 hours', () => {
    expect(nextAttemptAt(30, createdAt, after(23.5 * HOUR + 1), policy, () => 0)).toBeNull();
    expect(nextAttemptAt(1, createdAt, after(25 * HOUR), policy, () => 0)).toBeNull();
  });

  it('spreads retries of deliveries that failed together', () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => delayOf(3, r));
    expect(new Set(delays).size).toBe(4);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(20_000);
  });
});

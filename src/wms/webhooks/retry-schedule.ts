/** The longest wait between two attempts, however many have failed. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export interface RetryPolicy {
  /** Wait after the first failed attempt; doubles with each further one. */
  baseMs: number;
  /** Measured from when the message was written: no attempt starts later than this. */
  giveUpAfterMs: number;
}

/**
 * When to try a delivery again after its `attempts`-th failure, or null to give up. Exponential,
 * capped at an hour, with jitter in the upper half of each step so that a receiver coming back
 * from an outage is not hit by every queued delivery in the same second.
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: Date,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Date | null {
  const step = Math.min(policy.baseMs * 2 ** Math.max(attempts - 1, 0), MAX_RETRY_DELAY_MS);
  const delay = Math.round(step / 2 + (step / 2) * random());
  const next = now.getTime() + delay;
  return next > createdAt.getTime() + policy.giveUpAfterMs ? null : new Date(next);
}

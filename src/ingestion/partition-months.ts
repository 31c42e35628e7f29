/**
 * Month partitions of the scan tables, as `dockproof_ensure_month_partitions` names them
 * (`scans_y2026m11`): a partition holds what was received in that UTC month.
 */

/** Partitions made ahead of time, so a month never starts without its own. */
export const MONTHS_AHEAD = 2;

const DAY_MS = 24 * 60 * 60 * 1000;

export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function addMonths(month: Date, months: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + months, 1));
}

/** `YYYY-MM-DD`, as PostgreSQL reads a date whatever its DateStyle. */
export function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** This month's partition and those of the months ahead. */
export function monthsToPrepare(now: Date): { first: Date; last: Date } {
  const first = monthStart(now);
  return { first, last: addMonths(first, MONTHS_AHEAD) };
}

/** The month a partition of `parent` holds; null for any other table (its DEFAULT partition, say). */
export function partitionMonth(parent: string, partition: string): Date | null {
  const match = /^(.+)_y(\d{4})m(\d{2})$/.exec(partition);
  if (!match || match[1] !== parent) return null;
  const month = Number(match[3]);
  if (month < 1 || month > 12) return null;
  return new Date(Date.UTC(Number(match[2]), month - 1, 1));
}

/**
 * The partitions whose whole month ended at least `retentionDays` before `now`, so that every row
 * in them is older than the retention. None when retention is unset.
 */
export function partitionsPastRetention(
  parent: string,
  partitions: string[],
  now: Date,
  retentionDays: number | undefined,
): string[] {
  if (retentionDays === undefined) return [];
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return partitions
    .filter((name) => {
      const month = partitionMonth(parent, name);
      return month !== null && addMonths(month, 1).getTime() <= cutoff;
    })
    .sort();
}

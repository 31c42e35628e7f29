import type { EntityManager } from 'typeorm';
import { prepared } from './prepared-statement';

export interface BatchKey {
  gtin: string;
  lot: string;
}

/**
 * What a batch lock guards; each purpose is a lock of its own, so holding one never waits on another.
 * - `certificate`: shared by every scan transaction before it reads the certificates of its
 *   batches, exclusive for a revocation, which then waits for the scans that read the certificate
 *   in force and sees the units they received (none slips in between and escapes the hold).
 * - `quantity`: counting and receiving a quantity-certified batch's serials, across instances.
 * - `ownership`: uploads that decide which supplier certifies a batch.
 */
export type BatchLockPurpose = 'certificate' | 'quantity' | 'ownership';

// JSON, not a NUL-separated key: PostgreSQL text cannot hold NUL.
const lockKey = (purpose: BatchLockPurpose, b: BatchKey) =>
  JSON.stringify([purpose, b.gtin, b.lot]);

const lockStatement = (fn: string) =>
  `SELECT ${fn}(hashtextextended(k, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`;

const LOCK = {
  shared: prepared('batch_locks.shared', lockStatement('pg_advisory_xact_lock_shared')),
  exclusive: prepared('batch_locks.exclusive', lockStatement('pg_advisory_xact_lock')),
};

/** Held until the transaction ends; taken sorted and de-duplicated, so no two transactions deadlock. */
export async function lockBatches(
  db: EntityManager,
  purpose: BatchLockPurpose,
  batches: BatchKey[],
  mode: 'shared' | 'exclusive' = 'exclusive',
): Promise<void> {
  if (!batches.length) return;
  const keys = [...new Set(batches.map((b) => lockKey(purpose, b)))].sort();
  await LOCK[mode].run(db, [keys]);
}

import type { EntityManager } from 'typeorm';

export interface BatchKey {
  gtin: string;
  lot: string;
}

// JSON, not a NUL-separated key: PostgreSQL text cannot hold NUL.
const lockKey = (b: BatchKey) => JSON.stringify(['batch-certificate', b.gtin, b.lot]);

/**
 * Taken (shared) by every scan transaction before it reads the certificates of its batches, and
 * (exclusive) by a revocation before it changes one: a revocation then waits for the scans that
 * read the certificate in force and sees the units they received, and the scans after it see it
 * revoked. No unit can slip in between and escape the revocation's hold.
 */
export async function lockBatchesForReading(db: EntityManager, batches: BatchKey[]): Promise<void> {
  if (!batches.length) return;
  // Sorted and de-duplicated, so lock order is the same in every transaction.
  const keys = [...new Set(batches.map(lockKey))].sort();
  await db.query(
    `SELECT pg_advisory_xact_lock_shared(hashtextextended(k, 0))
       FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`,
    [keys],
  );
}

export async function lockBatchForChange(db: EntityManager, batch: BatchKey): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [lockKey(batch)]);
}

import type { AuditEntry, ChainVerification } from './audit-entry';
import { checkHead, ChainLink, GENESIS, verifyChain } from './audit-hash';

/** SQL and row mapping shared by the service and the offline CLI (plain `pg`, no Nest). */

export const HEAD_SQL = `SELECT seq::text AS seq, hash FROM audit_chain_head`;

/**
 * Entries after a seq up to the head read first, so appends committed meanwhile are ignored.
 * Ordered by the column, not the text alias: '10' sorts before '9'.
 */
export const PAGE_SQL = `
  SELECT seq::text AS seq, at, actor, action, object_type, object_id, payload_sha256, prev_hash, hash
    FROM audit_entries
   WHERE seq > $1 AND seq <= $2
   ORDER BY audit_entries.seq
   LIMIT $3`;

export const VERIFY_PAGE_SIZE = 5000;

export interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  payload_sha256: string;
  prev_hash: string;
  hash: string;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    payloadSha256: row.payload_sha256,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toChainLink(row: { seq: string; hash: string }): ChainLink {
  return { seq: Number(row.seq), hash: row.hash };
}

export type FetchPage = (
  afterSeq: number,
  throughSeq: number,
  limit: number,
) => Promise<AuditEntry[]>;

/**
 * Verifies the stored chain up to `head` a page at a time, so memory stays bounded however long
 * the trail. Reads to the end even after a bad entry, so `entries` is always the count read.
 */
export async function verifyStoredChain(
  head: ChainLink,
  fetchPage: FetchPage,
  pageSize = VERIFY_PAGE_SIZE,
): Promise<ChainVerification> {
  let last = GENESIS;
  let entries = 0;
  let firstBadEntry: number | undefined;
  for (;;) {
    const page = await fetchPage(last.seq, head.seq, pageSize);
    if (page.length === 0) break;
    const result = verifyChain(page, last);
    firstBadEntry ??= result.firstBadEntry;
    entries += page.length;
    last = page[page.length - 1];
    if (page.length < pageSize) break;
  }
  firstBadEntry ??= checkHead(last, head);
  return firstBadEntry === undefined
    ? { ok: true, entries }
    : { ok: false, entries, firstBadEntry };
}

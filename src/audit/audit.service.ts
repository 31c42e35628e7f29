import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { AuditEntry, AuditInput, ChainVerification } from './audit-entry';
import { AuditEntryEntity } from './audit-entry.entity';
import { entryHash, payloadHash } from './audit-hash';
import {
  AuditRow,
  HEAD_SQL,
  PAGE_SQL,
  toAuditEntry,
  toChainLink,
  verifyStoredChain,
} from './audit-store';

export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 100;

export interface AuditFilter {
  objectType?: string;
  objectId?: string;
  actor?: string;
  /** Inclusive. */
  from?: Date;
  /** Inclusive. */
  to?: Date;
  /** 1-500, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page: entries after this seq. */
  after?: number;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: number | null;
}

export class AuditNotInTransactionError extends Error {}

// The row lock on the head serialises appends across transactions until the appender commits.
// Milliseconds only, so the time hashed is exactly the time stored and read back.
const LOCK_HEAD_SQL = `
  SELECT seq::text AS seq, hash, date_trunc('milliseconds', clock_timestamp()) AS at
    FROM audit_chain_head WHERE id FOR UPDATE`;

const APPEND_SQL = `
  WITH entry AS (
    INSERT INTO audit_entries
      (seq, at, actor, action, object_type, object_id, payload_sha256, prev_hash, hash)
    VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9)
    RETURNING seq, hash)
  UPDATE audit_chain_head h SET seq = entry.seq, hash = entry.hash FROM entry WHERE h.id`;

@Injectable()
export class AuditService implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.hasMetadata(AuditEntryEntity)) {
      throw new Error('AuditEntryEntity must be listed in the TypeORM entities');
    }
  }

  /** Appends inside the caller's transaction: the entry commits or rolls back with the change. */
  async append(db: EntityManager, input: AuditInput): Promise<AuditEntry> {
    if (!db.queryRunner?.isTransactionActive) {
      throw new AuditNotInTransactionError('append must run inside the transaction of the change');
    }
    const payloadSha256 = payloadHash(input.payload);
    const [head]: Array<{ seq: string; hash: string; at: Date }> = await db.query(LOCK_HEAD_SQL);
    const fields = {
      ...auditedFields(input),
      seq: Number(head.seq) + 1,
      at: head.at,
      payloadSha256,
    };
    const entry: AuditEntry = {
      ...fields,
      prevHash: head.hash,
      hash: entryHash(head.hash, fields),
    };
    await db.query(APPEND_SQL, [
      entry.seq,
      entry.at.toISOString(),
      entry.actor,
      entry.action,
      entry.objectType,
      entry.objectId,
      entry.payloadSha256,
      entry.prevHash,
      entry.hash,
    ]);
    return entry;
  }

  async list(filter: AuditFilter = {}): Promise<AuditPage> {
    const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
    }
    const query = this.dataSource.manager
      .createQueryBuilder(AuditEntryEntity, 'e')
      .orderBy('e.seq', 'ASC')
      .limit(limit + 1);
    const rows = await applyFilter(query, filter).getMany();
    const items = rows.slice(0, limit).map(toPlainEntry);
    return { items, nextCursor: rows.length > limit ? items[limit - 1].seq : null };
  }

  /** Recomputes the whole chain, 5,000 entries at a time, up to the head as it is now. */
  async verify(db: EntityManager = this.dataSource.manager): Promise<ChainVerification> {
    const [head]: Array<{ seq: string; hash: string }> = await db.query(HEAD_SQL);
    return verifyStoredChain(toChainLink(head), async (after, through, limit) => {
      const rows: AuditRow[] = await db.query(PAGE_SQL, [after, through, limit]);
      return rows.map(toAuditEntry);
    });
  }
}

function auditedFields(
  input: AuditInput,
): Pick<AuditEntry, 'actor' | 'action' | 'objectType' | 'objectId'> {
  for (const field of ['actor', 'action', 'objectType', 'objectId'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw new RangeError(`audit entry ${field} must be a non-empty string`);
    }
  }
  const { actor, action, objectType, objectId } = input;
  return { actor, action, objectType, objectId };
}

function applyFilter(
  query: SelectQueryBuilder<AuditEntryEntity>,
  filter: AuditFilter,
): SelectQueryBuilder<AuditEntryEntity> {
  if (filter.objectType !== undefined) query.andWhere('e.objectType = :objectType', filter);
  if (filter.objectId !== undefined) query.andWhere('e.objectId = :objectId', filter);
  if (filter.actor !== undefined) query.andWhere('e.actor = :actor', filter);
  if (filter.from !== undefined) query.andWhere('e.at >= :from', filter);
  if (filter.to !== undefined) query.andWhere('e.at <= :to', filter);
  if (filter.after !== undefined) query.andWhere('e.seq > :after', filter);
  return query;
}

function toPlainEntry(row: AuditEntryEntity): AuditEntry {
  const { seq, at, actor, action, objectType, objectId, payloadSha256, prevHash, hash } = row;
  return { seq, at, actor, action, objectType, objectId, payloadSha256, prevHash, hash };
}

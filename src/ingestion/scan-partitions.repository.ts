import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isoDate } from './partition-months';

// Tagged like the eventIds' and batches' lock keys, so that it meets neither.
const MAINTENANCE_LOCK_KEY = JSON.stringify(['scan-partitions']);

// Long enough for the scan commits in flight to end; short enough that the scans queued behind a
// waiting ATTACH or DROP (PostgreSQL grants locks in order) are held up no more than that.
const LOCK_TIMEOUT = '200ms';

export interface DefaultPartitionContents {
  partition: string;
  rows: number;
  oldest: Date | null;
  newest: Date | null;
  /** The UTC months of its rows, `YYYY-MM-01`. */
  months: string[];
}

export interface PartitionedTable {
  name: string;
  /** Unique within each month partition (a scan's eventId), so look-ups by it stay index probes. */
  uniqueColumn: string | null;
}

export interface MonthPartition {
  name: string;
  /** As PostgreSQL quotes it, safe to put into a statement. */
  qualifiedName: string;
}

/** The catalogue side of partition maintenance; partitions themselves are made by one SQL function. */
@Injectable()
export class ScanPartitionsRepository {
  /**
   * Waits for any other instance's maintenance to end, then bounds every lock wait that follows in
   * this transaction: a statement that cannot have its lock in time fails (SQLSTATE 55P03).
   */
  async lockForMaintenance(db: EntityManager): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [MAINTENANCE_LOCK_KEY]);
    await db.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  }

  /** The names of the partitions it created; those that existed are left alone. */
  async ensureMonths(
    db: EntityManager,
    table: PartitionedTable,
    first: Date,
    last: Date,
  ): Promise<string[]> {
    const rows: Array<{ name: string }> = await db.query(
      `SELECT dockproof_ensure_month_partitions($1::regclass, $2::date, $3::date, $4::name) AS name`,
      [table.name, isoDate(first), isoDate(last), table.uniqueColumn],
    );
    return rows.map((r) => r.name);
  }

  async defaultPartitionContents(
    db: EntityManager,
    table: string,
  ): Promise<DefaultPartitionContents | null> {
    const [found]: Array<{ partition: string }> = await db.query(
      `SELECT partdefid::regclass::text AS partition
         FROM pg_partitioned_table WHERE partrelid = $1::regclass AND partdefid <> 0`,
      [table],
    );
    if (!found) return null;
    const [contents]: Array<Omit<DefaultPartitionContents, 'partition'>> = await db.query(
      `SELECT count(*)::int AS rows, min(received_at) AS oldest, max(received_at) AS newest,
              coalesce(array_agg(DISTINCT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-01')),
                       '{}') AS months
         FROM ${found.partition}`,
    );
    return { partition: found.partition, ...contents };
  }

  async partitions(db: EntityManager, table: string): Promise<MonthPartition[]> {
    return db.query(
      `SELECT c.relname AS name, c.oid::regclass::text AS "qualifiedName"
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass`,
      [table],
    );
  }

  async drop(db: EntityManager, partition: MonthPartition): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS ${partition.qualifiedName}`);
  }
}

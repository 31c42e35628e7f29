import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EpcisScanRow } from './epcis-event';
import type { PageKey } from './epcis-query.dto';

export interface EventPageQuery {
  siteId: string;
  /** Inclusive; null: from the first scan. */
  from: string | null;
  /** Exclusive; null: up to the last scan. */
  to: string | null;
  after: PageKey | null;
  limit: number;
}

/*
 * Keyset on (scanned_at, event_id): scans_site_scanned_at serves the site and the time range in
 * each month's partition, merged in order, so a page costs its rows whatever the page number.
 * Partitions (by received_at) cannot be pruned on scanned_at: each kept month is one index probe.
 * event_id compares byte-wise ("C") so the order does not depend on the database's collation.
 * Codes that name no GTIN or SSCC are left out here rather than leaving pages short.
 */
const PAGE_SQL = `
  SELECT event_id AS "eventId", site_id AS "siteId", dock_id AS "dockId", direction,
         to_char(scanned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "scannedAt",
         received_at AS "receivedAt", gtin, lot, serial, sscc, status
    FROM scans
   WHERE site_id = $1
     AND scanned_at >= $2::timestamptz AND scanned_at < $3::timestamptz
     AND scanned_at >= $4::timestamptz
     AND (scanned_at, event_id COLLATE "C") > ($4::timestamptz, $5::text COLLATE "C")
     AND (gtin IS NOT NULL OR sscc IS NOT NULL)
   ORDER BY scanned_at, event_id COLLATE "C"
   LIMIT $6`;

@Injectable()
export class EpcisEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async siteExists(siteId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM sites WHERE site_id = $1`, [
      siteId,
    ]);
    return rows.length > 0;
  }

  /** The site's scans in eventTime order, after `after`, at most `limit`. */
  page(query: EventPageQuery): Promise<EpcisScanRow[]> {
    const from = query.from ?? '-infinity';
    return this.dataSource.query(PAGE_SQL, [
      query.siteId,
      from,
      query.to ?? 'infinity',
      query.after?.scannedAt ?? from,
      // Every eventId sorts after '': without a key, the page starts at `from` itself.
      query.after?.eventId ?? '',
      query.limit,
    ]);
  }
}

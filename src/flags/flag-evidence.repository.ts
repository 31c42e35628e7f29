import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface FlagScan {
  eventId: string;
  dockId: string;
  scannerId: string;
  scannedAt: string;
  direction: 'inbound' | 'outbound';
  code: string;
  status: string;
}

export interface FlagCertificate {
  certificateId: string;
  supplierId: string;
  supplierName: string;
  gtin: string;
  lot: string;
  expiresOn: string | null;
  revoked: boolean;
}

export interface FlagClearance {
  clearanceId: string;
  supplierId: string;
  gtin: string;
  lot: string | null;
  markets: string[];
  validFrom: string;
  validUntil: string;
}

/** What a supervisor weighs before deciding: the scans, and the certificates and clearances that applied. */
@Injectable()
export class FlagEvidenceRepository {
  scans(db: EntityManager, eventIds: string[]): Promise<FlagScan[]> {
    if (!eventIds.length) return Promise.resolve([]);
    return db.query(
      `SELECT event_id AS "eventId", dock_id AS "dockId", scanner_id AS "scannerId",
              to_char(scanned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "scannedAt",
              direction, code, verdict->>'status' AS status
         FROM scans WHERE event_id = ANY($1::text[]) ORDER BY scanned_at, event_id`,
      [eventIds],
    );
  }

  certificates(db: EntityManager, certificateIds: string[]): Promise<FlagCertificate[]> {
    if (!certificateIds.length) return Promise.resolve([]);
    return db.query(
      `SELECT c.certificate_id AS "certificateId", c.supplier_id AS "supplierId",
              coalesce(s.name, c.supplier_id) AS "supplierName", c.gtin, c.lot,
              to_char(c.expires_on, 'YYYY-MM-DD') AS "expiresOn", c.revoked_at IS NOT NULL AS revoked
         FROM certificates c LEFT JOIN suppliers s ON s.supplier_id = c.supplier_id
        WHERE c.certificate_id = ANY($1::text[]) ORDER BY c.certificate_id`,
      [certificateIds],
    );
  }

  /** The clearances of the certificates' batches (their lot, or every lot). */
  clearances(db: EntityManager, certificateIds: string[]): Promise<FlagClearance[]> {
    if (!certificateIds.length) return Promise.resolve([]);
    return db.query(
      `SELECT DISTINCT cl.clearance_id AS "clearanceId", cl.supplier_id AS "supplierId", cl.gtin, cl.lot,
              cl.markets, to_char(cl.valid_from, 'YYYY-MM-DD') AS "validFrom",
              to_char(cl.valid_until, 'YYYY-MM-DD') AS "validUntil"
         FROM certificates c
         JOIN ip_clearances cl ON cl.supplier_id = c.supplier_id AND cl.gtin = c.gtin
              AND (cl.lot IS NULL OR cl.lot = c.lot)
        WHERE c.certificate_id = ANY($1::text[]) ORDER BY "clearanceId"`,
      [certificateIds],
    );
  }
}

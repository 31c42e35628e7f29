import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { BatchCertificate } from './unit-rules';
import { prepared } from '../database/prepared-statement';

export interface UnitQuery {
  gtin: string;
  lot: string | null;
  serial: string | null;
}

export interface CertificateMatch {
  certificate: BatchCertificate;
  serialListed: boolean | null;
}

// A serial is certified when listed, or when it is prefix || lpad(n, width) of a range holding n.
const SERIAL_LISTED = `
  (u.serial IS NOT NULL AND (
     EXISTS (SELECT 1 FROM certificate_serials cs
              WHERE cs.gtin = u.gtin AND cs.serial = u.serial AND cs.certificate_id = c.certificate_id)
     OR EXISTS (SELECT 1 FROM certificate_serial_ranges r
              WHERE r.certificate_id = c.certificate_id
                AND length(u.serial) = length(r.prefix) + r.width
                AND left(u.serial, length(r.prefix)) = r.prefix
                AND CASE WHEN substr(u.serial, length(r.prefix) + 1) ~ '^[0-9]+$'
                         THEN substr(u.serial, length(r.prefix) + 1)::numeric BETWEEN r.range_start AND r.range_end
                         ELSE false END)))`;

const FIND_CERTIFICATES = prepared<CertificateRow>(
  'verification.find_certificates',
  `WITH u AS (SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS u(i, gtin, lot, serial)),
        candidates AS (
          SELECT u.i, c.*, ${SERIAL_LISTED} AS serial_listed
            FROM u JOIN certificates c ON c.gtin = u.gtin AND (c.lot = u.lot OR u.lot IS NULL))
   SELECT k.i, k.certificate_id, k.supplier_id, k.lot, k.issued_at, coalesce(s.name, k.supplier_id) AS supplier_name,
          coalesce(s.status = 'suspended', false) AS supplier_suspended, k.revoked_at IS NOT NULL AS revoked,
          to_char(k.expires_on, 'YYYY-MM-DD') AS expires_on, k.quantity, k.lists_serials, k.serial_listed
     FROM candidates k JOIN u ON u.i = k.i LEFT JOIN suppliers s ON s.supplier_id = k.supplier_id
    WHERE k.lot IS NOT DISTINCT FROM u.lot OR k.serial_listed
    ORDER BY k.i, k.issued_at DESC NULLS LAST, k.certificate_id`,
);

/**
 * The certificate of each scanned unit, found for a whole batch of scans in one statement: by GTIN
 * and lot, or, for a label without lot, the certificates of that GTIN that hold the serial.
 */
@Injectable()
export class CertificateFactsRepository {
  async find(db: EntityManager, units: UnitQuery[]): Promise<Array<CertificateMatch | null>> {
    if (!units.length) return [];
    const rows = await FIND_CERTIFICATES.run(db, [
      units.map((_, i) => i),
      units.map((u) => u.gtin),
      units.map((u) => u.lot),
      units.map((u) => u.serial),
    ]);
    const byUnit = new Map<number, CertificateRow[]>();
    for (const row of rows) {
      const found = byUnit.get(row.i);
      if (found) found.push(row);
      else byUnit.set(row.i, [row]);
    }
    return units.map((unit, i) => best(unit, byUnit.get(i) ?? []));
  }
}

interface CertificateRow {
  i: number;
  certificate_id: string;
  supplier_id: string;
  lot: string;
  supplier_name: string;
  supplier_suspended: boolean;
  revoked: boolean;
  expires_on: string | null;
  quantity: number | null;
  lists_serials: boolean;
  serial_listed: boolean;
}

// Several certificates may name a batch (a re-issue after a revocation): prefer one in force that
// lists the serial, then the newest (rows come newest first; the sort is stable), so every instance
// picks the same one.
function best(unit: UnitQuery, rows: CertificateRow[]): CertificateMatch | null {
  const ranked = [...rows].sort((a, b) => rank(b) - rank(a));
  const row = ranked[0];
  if (!row) return null;
  return {
    certificate: {
      certificateId: row.certificate_id,
      supplierId: row.supplier_id,
      lot: row.lot,
      supplierName: row.supplier_name,
      supplierSuspended: row.supplier_suspended,
      revoked: row.revoked,
      expiresOn: row.expires_on,
      quantity: row.quantity,
      listsSerials: row.lists_serials,
    },
    serialListed: unit.serial === null ? null : row.serial_listed,
  };
}

function rank(row: CertificateRow): number {
  return (row.revoked ? 0 : 2) + (row.serial_listed ? 1 : 0);
}

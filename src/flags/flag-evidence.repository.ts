import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit-entry';
import type { ChainLink } from '../audit/audit-hash';
import { AuditRow, HEAD_SQL, toAuditEntry, toChainLink } from '../audit/audit-store';
import { findRanges } from '../certificates/certificate-serials.store';
import type { CertificateView } from '../certificates/certificate-view';

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
  rightIds: string[];
  validFrom: string;
  validUntil: string;
}

/**
 * A certificate as the API shows it, with what rebuilding and re-checking its signed form needs:
 * `issuedAt` exactly as stored, the signature, the supplier's key and the listed serials.
 */
export interface StoredCertificate extends Omit<
  CertificateView,
  'issuedAt' | 'serialCount' | 'signatureValid'
> {
  /** UTC, microseconds: `YYYY-MM-DDTHH:MM:SS.ffffff`, no zone. */
  issuedAtUtc: string | null;
  signature: string;
  uploadedBy: string | null;
  supplierName: string | null;
  /** The supplier's key as registered now (null: the supplier row is gone). */
  publicKey: string | null;
  /** Listed serials (none when the certificate gave only ranges or a quantity). */
  serials: string[];
}

export interface IpRightRecord {
  rightId: string;
  kind: string;
  title: string;
  owner: string;
  registrationNumber: string;
  jurisdictions: string[];
  gtinPrefixes: string[];
  validFrom: string;
  validUntil: string;
}

export interface SiteRecord {
  siteId: string;
  name: string;
  country: string;
}

export interface KeyRecord {
  keyId: string;
  role: string;
  label: string;
}

/** An audit entry with the hash of the entry just before it in the whole trail (null: none). */
export type LinkedAuditEntry = AuditEntry & { predecessorHash: string | null };

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
              cl.markets, cl.right_ids AS "rightIds", to_char(cl.valid_from, 'YYYY-MM-DD') AS "validFrom",
              to_char(cl.valid_until, 'YYYY-MM-DD') AS "validUntil"
         FROM certificates c
         JOIN ip_clearances cl ON cl.supplier_id = c.supplier_id AND cl.gtin = c.gtin
              AND (cl.lot IS NULL OR cl.lot = c.lot)
        WHERE c.certificate_id = ANY($1::text[]) ORDER BY "clearanceId"`,
      [certificateIds],
    );
  }

  async site(db: EntityManager, siteId: string): Promise<SiteRecord | null> {
    const [site] = await db.query<SiteRecord[]>(
      `SELECT site_id AS "siteId", name, country FROM sites WHERE site_id = $1`,
      [siteId],
    );
    return site ?? null;
  }

  async key(db: EntityManager, keyId: string): Promise<KeyRecord | null> {
    const [key] = await db.query<KeyRecord[]>(
      `SELECT key_id AS "keyId", role, label FROM api_keys WHERE key_id = $1`,
      [keyId],
    );
    return key ?? null;
  }

  /** The certificates with their serials and ranges, for an authority to check the signature itself. */
  async storedCertificates(
    db: EntityManager,
    certificateIds: string[],
  ): Promise<StoredCertificate[]> {
    if (!certificateIds.length) return [];
    const rows: Array<Omit<StoredCertificate, 'serials' | 'serialRanges'>> = await db.query(
      `SELECT c.certificate_id AS "certificateId", c.supplier_id AS "supplierId", c.gtin, c.lot,
              c.country_of_origin AS "countryOfOrigin",
              to_char(c.manufactured_on, 'YYYY-MM-DD') AS "manufacturedOn",
              to_char(c.expires_on, 'YYYY-MM-DD') AS "expiresOn", c.quantity,
              to_char(c.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "issuedAtUtc",
              c.lists_serials AS "listsSerials", c.canonical_sha256 AS "canonicalSha256",
              c.signature, c.uploaded_by AS "uploadedBy",
              to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "uploadedAt",
              to_char(c.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "revokedAt",
              c.revoked_reason AS "revokedReason", s.name AS "supplierName", s.public_key AS "publicKey"
         FROM certificates c LEFT JOIN suppliers s ON s.supplier_id = c.supplier_id
        WHERE c.certificate_id = ANY($1::text[]) ORDER BY c.certificate_id`,
      [certificateIds],
    );
    const certificates: StoredCertificate[] = [];
    for (const row of rows)
      certificates.push({
        ...row,
        serials: row.listsSerials ? await this.listedSerials(db, row) : [],
        serialRanges: row.listsSerials ? await findRanges(db, row.certificateId) : [],
      });
    return certificates;
  }

  /**
   * Rights that cover a certified GTIN in the site's country (in force or not: the dates show
   * which were on the scan day), and every right a clearance names.
   */
  rights(
    db: EntityManager,
    siteId: string,
    gtins: string[],
    namedRightIds: string[],
  ): Promise<IpRightRecord[]> {
    if (!gtins.length && !namedRightIds.length) return Promise.resolve([]);
    return db.query(
      `SELECT r.right_id AS "rightId", r.kind, r.title, r.owner,
              r.registration_number AS "registrationNumber", r.jurisdictions,
              r.gtin_prefixes AS "gtinPrefixes", to_char(r.valid_from, 'YYYY-MM-DD') AS "validFrom",
              to_char(r.valid_until, 'YYYY-MM-DD') AS "validUntil"
         FROM ip_rights r
        WHERE r.right_id = ANY($3::text[])
           OR (r.countries @> ARRAY[(SELECT country FROM sites WHERE site_id = $1)]
               AND EXISTS (SELECT 1 FROM unnest($2::text[]) g, unnest(r.gtin_prefixes) p
                            WHERE left(g, length(p)) = p))
        ORDER BY r.right_id`,
      [siteId, gtins, namedRightIds],
    );
  }

  /** The audit entries of these objects, oldest first, each with its predecessor's hash. */
  async auditEntries(
    db: EntityManager,
    objects: Array<{ objectType: string; objectId: string }>,
  ): Promise<LinkedAuditEntry[]> {
    if (!objects.length) return [];
    const rows: Array<AuditRow & { predecessor_hash: string | null }> = await db.query(
      `SELECT e.seq::text AS seq, e.at, e.actor, e.action, e.object_type, e.object_id,
              e.payload_sha256, e.prev_hash, e.hash, p.hash AS predecessor_hash
         FROM audit_entries e LEFT JOIN audit_entries p ON p.seq = e.seq - 1
        WHERE (e.object_type, e.object_id) IN
              (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY e.seq`,
      [objects.map((o) => o.objectType), objects.map((o) => o.objectId)],
    );
    return rows.map((row) => ({ ...toAuditEntry(row), predecessorHash: row.predecessor_hash }));
  }

  async chainHead(db: EntityManager): Promise<ChainLink> {
    const [head] = await db.query<Array<{ seq: string; hash: string }>>(HEAD_SQL);
    return toChainLink(head);
  }

  private async listedSerials(
    db: EntityManager,
    certificate: { certificateId: string; gtin: string },
  ): Promise<string[]> {
    // By (gtin, …) so the primary key finds them; the certificate id alone has no index.
    const rows: Array<{ serial: string }> = await db.query(
      `SELECT serial FROM certificate_serials WHERE gtin = $1 AND certificate_id = $2`,
      [certificate.gtin, certificate.certificateId],
    );
    return rows.map((r) => r.serial);
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { CertificateFact } from '../verification/verify-scan';

export interface BatchKey {
  gtin: string;
  lot: string;
}

@Injectable()
export class CertificatesRepository {
  /** One set-based query for every batch of a message batch. */
  async findByBatches(db: EntityManager, batches: BatchKey[]): Promise<CertificateFact[]> {
    if (batches.length === 0) return [];
    const rows: Array<{ certificate_id: string; supplier_id: string; gtin: string; lot: string }> =
      await db.query(
        `SELECT c.certificate_id, c.supplier_id, c.gtin, c.lot
           FROM certificates c
           JOIN unnest($1::text[], $2::text[]) AS k(gtin, lot) ON c.gtin = k.gtin AND c.lot = k.lot`,
        [batches.map((b) => b.gtin), batches.map((b) => b.lot)],
      );
    return rows.map((r) => ({
      certificateId: r.certificate_id,
      supplierId: r.supplier_id,
      gtin: r.gtin,
      lot: r.lot,
    }));
  }
}

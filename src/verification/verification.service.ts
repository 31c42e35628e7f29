import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CertificatesRepository } from '../certificates/certificates.repository';
import type { Gs1ParseResult } from '../gs1/parse-gs1';
import { ScanFacts, ScanToVerify, VerificationOutcome, verifyScan } from './verify-scan';

/** Looks up the facts for a whole batch of scans at once, then applies the pure rules to each. */
@Injectable()
export class VerificationService {
  constructor(private readonly certificates: CertificatesRepository) {}

  async verifyAll(db: EntityManager, scans: ScanToVerify[]): Promise<VerificationOutcome[]> {
    const units = scans.map((s) => unitOf(s.barcode));
    const batchKeys = uniqueBy(
      units.flatMap((u) => (u?.lot !== undefined ? [{ gtin: u.gtin, lot: u.lot }] : [])),
      (k) => `${k.gtin}\u0000${k.lot}`,
    );
    const certificates = await this.certificates.findByBatches(db, batchKeys);
    return scans.map((scan, i) => {
      const unit = units[i];
      const facts: ScanFacts = {
        certificates: unit
          ? certificates.filter((c) => c.gtin === unit.gtin && c.lot === unit.lot)
          : [],
      };
      return verifyScan(scan, facts);
    });
  }
}

function unitOf(barcode: Gs1ParseResult): { gtin: string; lot?: string } | undefined {
  return barcode.ok && barcode.kind === 'unit' ? barcode : undefined;
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

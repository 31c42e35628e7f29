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
      (k) => batchKey(k.gtin, k.lot),
    );
    const certificates = groupBy(await this.certificates.findByBatches(db, batchKeys), (c) =>
      batchKey(c.gtin, c.lot),
    );
    return scans.map((scan, i) => {
      const unit = units[i];
      const facts: ScanFacts = {
        certificates:
          (unit?.lot !== undefined && certificates.get(batchKey(unit.gtin, unit.lot))) || [],
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

function batchKey(gtin: string, lot: string): string {
  return `${gtin}\u0000${lot}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { lockBatches } from '../database/batch-locks';
import type { Gs1ParseResult, Gs1Unit } from '../gs1/parse-gs1';
import {
  CertificateFactsRepository,
  CertificateMatch,
  UnitQuery,
} from './certificate-facts.repository';
import { OutboundFactsRepository } from './outbound-facts.repository';
import { RegistryFactsRepository } from './registry-facts.repository';
import { RepairedReading, scannerRepairs } from './scanner-repairs';
import { batchKey, unitKey, UnitMovementsRepository, UnitScan } from './unit-movements.repository';
import { ScanFacts, ScanToVerify, VerificationOutcome, verifyScan } from './verify-scan';

export interface ScanInContext extends ScanToVerify {
  eventId: string;
  siteId: string;
  code: string;
  scannedAt: Date;
  palletSscc?: string;
}

interface Batch {
  scans: ScanInContext[];
  units: Array<Gs1Unit | undefined>;
  certificates: Array<CertificateMatch | null>;
  dates: string[];
}

/**
 * Looks up the facts for a whole batch of scans at once (one set-based statement per kind of fact,
 * whatever the batch size), applies the pure rules to each, and records the unit movements the
 * scans imply, all in the caller's transaction.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly certificates: CertificateFactsRepository,
    private readonly registry: RegistryFactsRepository,
    private readonly movements: UnitMovementsRepository,
    private readonly outbound: OutboundFactsRepository,
  ) {}

  async verifyAll(db: EntityManager, scans: ScanInContext[]): Promise<VerificationOutcome[]> {
    const units = scans.map((s) => unitOf(s.barcode));
    await lockBatches(
      db,
      'certificate',
      units.flatMap((u) => (u?.lot ? [{ gtin: u.gtin, lot: u.lot }] : [])),
      'shared',
    );
    const batch: Batch = {
      scans,
      units,
      certificates: await this.certificates.find(db, units.map(toQuery)),
      dates: scans.map((s) => s.scannedAt.toISOString().slice(0, 10)),
    };
    const facts = scans.map((): ScanFacts => ({}));
    await this.addOutboundFacts(db, batch, facts);
    await this.addPalletFacts(db, batch, facts);
    await this.addMisreads(db, batch, facts);
    // Last, as receiving locks the units' rows until the commit, and another instance's commit
    // that touches one of them waits that long.
    await this.addInboundFacts(db, batch, facts);
    const outcomes = scans.map((scan, i) => verifyScan(scan, facts[i], batch.dates[i]));
    const verified = new Set(
      scans.filter((_, i) => outcomes[i].status === 'verified').map((s) => s.eventId),
    );
    await this.movements.depart(
      db,
      serialised(batch, 'outbound').filter((u) => verified.has(u.eventId)),
    );
    return outcomes;
  }

  private async addInboundFacts(
    db: EntityManager,
    batch: Batch,
    facts: ScanFacts[],
  ): Promise<void> {
    const inbound = indexesOf(batch, (s, u) => s.direction === 'inbound' && u !== undefined);
    const found = await this.registry.inboundFacts(
      db,
      inbound.map((i) => ({
        siteId: batch.scans[i].siteId,
        supplierId: batch.certificates[i]?.certificate.supplierId ?? null,
        gtin: batch.units[i]!.gtin,
        lot: lotOf(batch, i),
        serial: batch.units[i]!.serial ?? null,
        date: batch.dates[i],
        palletSscc: batch.scans[i].palletSscc ?? null,
      })),
    );
    const inStockAs = new Map<string, string>();
    inbound.forEach((i, k) => {
      const { serial, gtin } = batch.units[i]!;
      const as = found[k].inStockAs;
      if (serial && as) inStockAs.set(unitKey({ gtin, serial }), as);
    });
    const arrivals = await this.receive(db, batch, inbound, inStockAs);
    inbound.forEach((i, k) => {
      facts[i].inbound = {
        certificate: batch.certificates[i]?.certificate ?? null,
        serialListed: batch.certificates[i]?.serialListed ?? null,
        serialsReceived: arrivals.ranks.get(i) ?? 0,
        inStockElsewhere: arrivals.duplicates.has(batch.scans[i].eventId),
        ...found[k].registry,
      };
    });
  }

  /**
   * Records the inbound units and ranks each among its batch's distinct serials in order of
   * arrival, so that of a batch certified for N units exactly the ones past the N-th are counted
   * as excess, however the scans are grouped into batches or spread over instances.
   */
  private async receive(
    db: EntityManager,
    batch: Batch,
    inbound: number[],
    inStockAs: Map<string, string>,
  ): Promise<{ duplicates: Set<string>; ranks: Map<number, number> }> {
    const counted = inbound.filter((i) => {
      const c = batch.certificates[i]?.certificate;
      return c && !c.listsSerials && c.quantity !== null && batch.units[i]!.serial;
    });
    const batches = counted.map((i) => ({ gtin: batch.units[i]!.gtin, lot: lotOf(batch, i)! }));
    // So that two instances cannot both let the last unit of a quantity through.
    await lockBatches(db, 'quantity', batches);
    const before = await this.movements.serialsReceived(db, batches);
    const { duplicates, firstArrivals } = await this.movements.receive(
      db,
      serialised(batch, 'inbound'),
      inStockAs,
    );
    const arrived = new Map<string, number>();
    const ranks = new Map<number, number>();
    counted.forEach((i, k) => {
      const key = batchKey(batches[k]);
      const unit = { gtin: batch.units[i]!.gtin, serial: batch.units[i]!.serial! };
      // A serial seen before was counted on its first arrival.
      if (firstArrivals.delete(unitKey(unit))) arrived.set(key, (arrived.get(key) ?? 0) + 1);
      ranks.set(i, (before.get(key) ?? 0) + (arrived.get(key) ?? 0));
    });
    return { duplicates, ranks };
  }

  private async addOutboundFacts(
    db: EntityManager,
    batch: Batch,
    facts: ScanFacts[],
  ): Promise<void> {
    const outbound = indexesOf(batch, (s, u) => s.direction === 'outbound' && !!u?.serial);
    const found = await this.outbound.find(
      db,
      outbound.map((i) => ({
        siteId: batch.scans[i].siteId,
        gtin: batch.units[i]!.gtin,
        serial: batch.units[i]!.serial!,
      })),
    );
    // A unit received at this site earlier in the batch passed its inbound dock too.
    const receivedInBatch = new Set(
      serialised(batch, 'inbound').map((u) => `${u.siteId}\u0000${unitKey(u)}`),
    );
    outbound.forEach((i, k) => {
      const unit = { gtin: batch.units[i]!.gtin, serial: batch.units[i]!.serial! };
      facts[i].receivedHere =
        found[k].receivedHere ||
        receivedInBatch.has(`${batch.scans[i].siteId}\u0000${unitKey(unit)}`);
      facts[i].heldBy = found[k].heldBy;
    });
  }

  private async addPalletFacts(db: EntityManager, batch: Batch, facts: ScanFacts[]): Promise<void> {
    const labels = batch.scans.flatMap((s, i) =>
      s.direction === 'inbound' && s.barcode.ok && s.barcode.kind === 'pallet'
        ? [{ i, siteId: s.siteId, sscc: s.barcode.sscc }]
        : [],
    );
    const announced = await this.registry.announcedPallets(db, labels);
    for (const { i, siteId, sscc } of labels)
      facts[i].palletAnnounced = announced.has(`${siteId}\u0000${sscc}`);
  }

  /** For codes that fail or match no certificate: a repaired reading that is certified, if any. */
  private async addMisreads(db: EntityManager, batch: Batch, facts: ScanFacts[]): Promise<void> {
    const candidates = batch.scans.map((s, i) => {
      const unmatched =
        batch.units[i] && (!batch.certificates[i] || batch.certificates[i]!.serialListed === false);
      return !s.barcode.ok || unmatched ? scannerRepairs(s.code, s.scannedAt) : [];
    });
    const flat = candidates.flat();
    const found = await this.certificates.find(
      db,
      flat.map((r) => toQuery(r.unit)),
    );
    const certified = new Set<RepairedReading>(
      flat.filter((_, k) => found[k] && found[k]!.serialListed !== false),
    );
    candidates.forEach((list, i) => {
      const misread = list.find((r) => certified.has(r));
      if (misread) facts[i].misread = misread;
    });
  }
}

function unitOf(barcode: Gs1ParseResult): Gs1Unit | undefined {
  return barcode.ok && barcode.kind === 'unit' ? barcode : undefined;
}

function toQuery(unit: Gs1Unit | undefined): UnitQuery {
  return { gtin: unit?.gtin ?? '', lot: unit?.lot ?? null, serial: unit?.serial ?? null };
}

/** The batch's lot: the label's, or for a label without one, that of the certificate its serial matched. */
function lotOf(batch: Batch, i: number): string | null {
  return batch.certificates[i]?.certificate.lot ?? batch.units[i]?.lot ?? null;
}

function indexesOf(
  batch: Batch,
  keep: (scan: ScanInContext, unit: Gs1Unit | undefined) => boolean,
): number[] {
  return batch.scans.flatMap((s, i) => (keep(s, batch.units[i]) ? [i] : []));
}

function serialised(batch: Batch, direction: 'inbound' | 'outbound'): UnitScan[] {
  return batch.scans.flatMap((scan, i) => {
    const unit = batch.units[i];
    if (scan.direction !== direction || !unit?.serial) return [];
    return [
      {
        eventId: scan.eventId,
        siteId: scan.siteId,
        gtin: unit.gtin,
        serial: unit.serial,
        lot: lotOf(batch, i),
        palletSscc: scan.palletSscc ?? null,
        supplierId: batch.certificates[i]?.certificate.supplierId ?? null,
        at: scan.scannedAt,
      },
    ];
  });
}

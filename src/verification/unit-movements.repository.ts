import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statement';

export interface UnitScan {
  eventId: string;
  siteId: string;
  gtin: string;
  serial: string;
  lot: string | null;
  palletSscc: string | null;
  supplierId: string | null;
  at: Date;
}

export const unitKey = (u: { gtin: string; serial: string }) => `${u.gtin}\u0000${u.serial}`;
export const batchKey = (b: { gtin: string; lot: string }) => `${b.gtin}\u0000${b.lot}`;

export interface Receipt {
  /** Event ids whose unit was already in stock (a clone). */
  duplicates: Set<string>;
  /** Units (`unitKey`) this receipt saw for the first time ever. */
  firstArrivals: Set<string>;
}

const RECEIVE_UNITS = prepared<{ gtin: string; serial: string; inserted: boolean }>(
  'verification.receive_units',
  `WITH receipts AS (
     INSERT INTO unit_site_receipts (site_id, gtin, serial)
     SELECT * FROM unnest($9::text[], $10::text[], $11::text[]) ON CONFLICT DO NOTHING)
   INSERT INTO units (gtin, serial, lot, state, site_id, received_event_id, received_at, pallet_sscc, supplier_id)
   SELECT g, s, l, 'in', si, e, a, p, su
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])
       AS t(g, s, l, si, e, a, p, su)
   ON CONFLICT (gtin, serial) DO UPDATE
     SET state = 'in', lot = EXCLUDED.lot, site_id = EXCLUDED.site_id, received_event_id = EXCLUDED.received_event_id,
         received_at = EXCLUDED.received_at, left_event_id = NULL, left_at = NULL,
         pallet_sscc = EXCLUDED.pallet_sscc, supplier_id = EXCLUDED.supplier_id
     WHERE units.state = 'left' OR units.received_event_id = EXCLUDED.received_event_id
   RETURNING gtin, serial, (xmax = 0) AS inserted`,
);

const COUNT_SERIALS_RECEIVED = prepared<{ gtin: string; lot: string; n: number }>(
  'verification.count_serials_received',
  `SELECT u.gtin, u.lot, count(*)::int AS n
    FROM units u JOIN unnest($1::text[], $2::text[]) AS b(gtin, lot) ON u.gtin = b.gtin AND u.lot = b.lot
   GROUP BY u.gtin, u.lot`,
);

const DEPART_UNITS = prepared<unknown>(
  'verification.depart_units',
  `UPDATE units u SET state = 'left', left_event_id = t.e, left_at = t.a
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS t(g, s, e, a, si)
   WHERE u.gtin = t.g AND u.serial = t.s AND u.state = 'in' AND u.site_id = t.si`,
);

/**
 * Receipts and departures of serialised units. A receipt claims the unit with an upsert, so of two
 * concurrent inbound scans of one serial (on any instances) exactly one claims it; the other waits
 * for the first commit and finds it in stock.
 */
@Injectable()
export class UnitMovementsRepository {
  /**
   * Records inbound scans: which were clones of a unit in stock, and which units are new.
   * `inStockAs` (unitKey → the eventId that received it) names units seen in stock earlier in the
   * transaction: their clones need no claim, which would lock the unit's row until the commit and
   * make every commit with a clone of a much-copied serial wait for the one before.
   */
  async receive(
    db: EntityManager,
    scans: UnitScan[],
    inStockAs: Map<string, string> = new Map(),
  ): Promise<Receipt> {
    const first = new Map<string, UnitScan>();
    const duplicates = new Set<string>();
    for (const scan of scans) {
      const key = unitKey(scan);
      const existing = first.get(key);
      const stockedAs = inStockAs.get(key);
      if (stockedAs !== undefined && stockedAs !== scan.eventId) duplicates.add(scan.eventId);
      else if (!existing) first.set(key, scan);
      else if (existing.eventId !== scan.eventId) duplicates.add(scan.eventId);
    }
    // Sorted, so two instances claiming overlapping units lock rows in the same order.
    const claims = [...first.values()].sort((a, b) =>
      unitKey(a) < unitKey(b) ? -1 : unitKey(a) > unitKey(b) ? 1 : 0,
    );
    if (!scans.length) return { duplicates, firstArrivals: new Set() };
    const claimed = await RECEIVE_UNITS.run(db, [
      claims.map((c) => c.gtin),
      claims.map((c) => c.serial),
      claims.map((c) => c.lot),
      claims.map((c) => c.siteId),
      claims.map((c) => c.eventId),
      claims.map((c) => c.at),
      claims.map((c) => c.palletSscc),
      claims.map((c) => c.supplierId),
      scans.map((s) => s.siteId),
      scans.map((s) => s.gtin),
      scans.map((s) => s.serial),
    ]);
    const ok = new Set(claimed.map(unitKey));
    for (const c of claims) if (!ok.has(unitKey(c))) duplicates.add(c.eventId);
    const firstArrivals = new Set(claimed.filter((c) => c.inserted).map(unitKey));
    return { duplicates, firstArrivals };
  }

  /** Distinct serials ever received per batch (`gtin\0lot`). */
  async serialsReceived(
    db: EntityManager,
    batches: Array<{ gtin: string; lot: string }>,
  ): Promise<Map<string, number>> {
    if (!batches.length) return new Map();
    const rows = await COUNT_SERIALS_RECEIVED.run(db, [
      batches.map((b) => b.gtin),
      batches.map((b) => b.lot),
    ]);
    return new Map(rows.map((r) => [batchKey(r), r.n]));
  }

  /**
   * A verified outbound scan: the unit has left, if it is in at that site. A clone that passed
   * another site's docks must not free the serial of the genuine unit in stock elsewhere.
   */
  async depart(db: EntityManager, scans: UnitScan[]): Promise<void> {
    if (!scans.length) return;
    await DEPART_UNITS.run(db, [
      scans.map((s) => s.gtin),
      scans.map((s) => s.serial),
      scans.map((s) => s.eventId),
      scans.map((s) => s.at),
      scans.map((s) => s.siteId),
    ]);
  }
}

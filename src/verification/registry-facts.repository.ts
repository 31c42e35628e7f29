import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { IpClearanceFact, PalletManifest } from './unit-rules';
import { prepared } from '../database/prepared-statement';

/** An inbound unit: `supplierId` is that of its certificate, null when none matched. */
export interface InboundUnit {
  siteId: string;
  supplierId: string | null;
  gtin: string;
  lot: string | null;
  serial: string | null;
  /** The scan date. */
  date: string;
  palletSscc: string | null;
}

export interface InboundRegistryFacts {
  /** IP rights in force on the date in the site's country that cover the GTIN (certified units). */
  rightIds: string[];
  /** The supplier's clearances of the batch for that country (certified units). */
  clearances: IpClearanceFact[];
  /** The manifest of this site announcing the unit's pallet, if any. */
  palletManifest: PalletManifest | null;
}

export interface InboundUnitFound {
  registry: InboundRegistryFacts;
  /** The eventId that received the unit now in stock (at any site); null when not in stock. */
  inStockAs: string | null;
}

const INBOUND_FACTS = prepared<{
  right_ids: string[];
  clearances: IpClearanceFact[];
  manifest_id: string | null;
  lists_unit: boolean | null;
  in_stock_as: string | null;
}>(
  'verification.inbound_facts',
  `WITH q AS (
     SELECT q.*, s.country
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[])
              WITH ORDINALITY AS q(site_id, supplier, gtin, lot, serial, d, sscc, n)
       LEFT JOIN sites s ON s.site_id = q.site_id)
   SELECT ARRAY(SELECT r.right_id FROM ip_rights r
                 WHERE q.supplier IS NOT NULL AND r.countries @> ARRAY[q.country]
                   AND r.valid_from <= q.d AND r.valid_until >= q.d
                   AND EXISTS (SELECT 1 FROM unnest(r.gtin_prefixes) p WHERE left(q.gtin, length(p)) = p)
                 ORDER BY r.right_id) AS right_ids,
          (SELECT coalesce(json_agg(json_build_object(
                    'clearanceId', c.clearance_id,
                    'validFrom', to_char(c.valid_from, 'YYYY-MM-DD'),
                    'validUntil', to_char(c.valid_until, 'YYYY-MM-DD')) ORDER BY c.clearance_id), '[]')
             FROM ip_clearances c
            WHERE c.supplier_id = q.supplier AND c.gtin = q.gtin AND (c.lot IS NULL OR c.lot = q.lot)
              AND c.countries @> ARRAY[q.country]) AS clearances,
          m.manifest_id, m.lists_unit,
          (SELECT u.received_event_id FROM units u
            WHERE u.gtin = q.gtin AND u.serial = q.serial AND u.state = 'in') AS in_stock_as
     FROM q LEFT JOIN LATERAL (
            SELECT p.manifest_id,
                   EXISTS (SELECT 1 FROM manifest_items i
                            WHERE i.manifest_id = p.manifest_id AND i.sscc = p.sscc AND i.gtin = q.gtin
                              AND (q.lot IS NULL OR i.lot = q.lot)
                              AND (i.serial IS NULL OR i.serial = q.serial)) AS lists_unit
              FROM manifest_pallets p
             WHERE p.sscc = q.sscc AND p.site_id = q.site_id
             ORDER BY lists_unit DESC, p.manifest_id LIMIT 1) m ON true
    ORDER BY q.n`,
);

const ANNOUNCED_PALLETS = prepared<{ site_id: string; sscc: string }>(
  'verification.announced_pallets',
  `SELECT DISTINCT p.site_id, p.sscc FROM manifest_pallets p
   JOIN unnest($1::text[], $2::text[]) AS q(site, sscc) ON p.site_id = q.site AND p.sscc = q.sscc`,
);

/** IP rights, clearances and manifests for a whole batch of scans. */
@Injectable()
export class RegistryFactsRepository {
  /**
   * IP rights, clearances and the pallet's manifest of each inbound unit, and whether it is in
   * stock already: one statement for the batch.
   */
  async inboundFacts(db: EntityManager, units: InboundUnit[]): Promise<InboundUnitFound[]> {
    if (!units.length) return [];
    const rows = await INBOUND_FACTS.run(db, [
      units.map((u) => u.siteId),
      units.map((u) => u.supplierId),
      units.map((u) => u.gtin),
      units.map((u) => u.lot),
      units.map((u) => u.serial),
      units.map((u) => u.date),
      units.map((u) => u.palletSscc),
    ]);
    return rows.map((r) => ({
      registry: {
        rightIds: r.right_ids,
        clearances: r.clearances,
        palletManifest: r.manifest_id
          ? { manifestId: r.manifest_id, listsUnit: r.lists_unit! }
          : null,
      },
      inStockAs: r.in_stock_as,
    }));
  }

  /** The pallet labels (of these) that a manifest for their site announces: `site\0sscc`. */
  async announcedPallets(
    db: EntityManager,
    pallets: Array<{ siteId: string; sscc: string }>,
  ): Promise<Set<string>> {
    if (!pallets.length) return new Set();
    const rows = await ANNOUNCED_PALLETS.run(db, [
      pallets.map((p) => p.siteId),
      pallets.map((p) => p.sscc),
    ]);
    return new Set(rows.map((r) => `${r.site_id}\u0000${r.sscc}`));
  }
}

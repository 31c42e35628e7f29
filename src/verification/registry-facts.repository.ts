import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { IpClearanceFact, PalletManifest } from './unit-rules';
import { prepared } from '../database/prepared-statement';

export interface IpQuery {
  siteId: string;
  supplierId: string;
  gtin: string;
  lot: string | null;
  date: string;
}

export interface ManifestQuery {
  siteId: string;
  sscc: string;
  gtin: string;
  lot: string | null;
  serial: string | null;
}

export interface IpFacts {
  rightIds: string[];
  clearances: IpClearanceFact[];
}

const IP_FACTS = prepared<{ i: number; right_id: string | null } & Partial<IpClearanceFact>>(
  'verification.ip_facts',
  `WITH q AS (
     SELECT q.*, s.country
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[])
              AS q(i, site_id, supplier, gtin, lot, d)
       JOIN sites s ON s.site_id = q.site_id)
   SELECT q.i, r.right_id, NULL AS "clearanceId", NULL AS "validFrom", NULL AS "validUntil"
     FROM q JOIN ip_rights r ON r.countries @> ARRAY[q.country]
          AND r.valid_from <= q.d AND r.valid_until >= q.d
          AND EXISTS (SELECT 1 FROM unnest(r.gtin_prefixes) p WHERE left(q.gtin, length(p)) = p)
   UNION ALL
   SELECT q.i, NULL, c.clearance_id, to_char(c.valid_from, 'YYYY-MM-DD'),
          to_char(c.valid_until, 'YYYY-MM-DD')
     FROM q JOIN ip_clearances c ON c.supplier_id = q.supplier AND c.gtin = q.gtin
          AND (c.lot IS NULL OR c.lot = q.lot) AND c.countries @> ARRAY[q.country]
   ORDER BY 1, 2, 3`,
);

const PALLET_MANIFESTS = prepared<{ i: number; manifest_id: string; lists_unit: boolean }>(
  'verification.pallet_manifests',
  `SELECT q.i, p.manifest_id,
         EXISTS (SELECT 1 FROM manifest_items m
                  WHERE m.manifest_id = p.manifest_id AND m.sscc = p.sscc AND m.gtin = q.gtin
                    AND (q.lot IS NULL OR m.lot = q.lot) AND (m.serial IS NULL OR m.serial = q.serial)) AS lists_unit
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS q(i, site, sscc, gtin, lot, serial)
    JOIN manifest_pallets p ON p.sscc = q.sscc AND p.site_id = q.site
   ORDER BY q.i, lists_unit DESC`,
);

const ANNOUNCED_PALLETS = prepared<{ site_id: string; sscc: string }>(
  'verification.announced_pallets',
  `SELECT DISTINCT p.site_id, p.sscc FROM manifest_pallets p
   JOIN unnest($1::text[], $2::text[]) AS q(site, sscc) ON p.site_id = q.site AND p.sscc = q.sscc`,
);

/** IP rights, clearances and manifests for a whole batch of scans: one statement per kind of fact. */
@Injectable()
export class RegistryFactsRepository {
  /**
   * For each certified unit: the IP rights in force on the scan date in its site's country that
   * cover its GTIN, and its supplier's clearances of the batch for that country. One statement
   * (sites, rights and clearances together), as it runs for every batch of scans.
   */
  async ipFacts(db: EntityManager, queries: IpQuery[]): Promise<IpFacts[]> {
    const facts = queries.map((): IpFacts => ({ rightIds: [], clearances: [] }));
    if (!queries.length) return facts;
    const rows = await IP_FACTS.run(db, [
      queries.map((_, i) => i),
      queries.map((q) => q.siteId),
      queries.map((q) => q.supplierId),
      queries.map((q) => q.gtin),
      queries.map((q) => q.lot),
      queries.map((q) => q.date),
    ]);
    for (const { i, right_id, clearanceId, validFrom, validUntil } of rows) {
      if (right_id) facts[i].rightIds.push(right_id);
      else
        facts[i].clearances.push({
          clearanceId: clearanceId!,
          validFrom: validFrom!,
          validUntil: validUntil!,
        });
    }
    return facts;
  }

  /** For each unit on a pallet: the manifest of this site announcing the pallet, and whether it lists the unit. */
  async palletManifests(
    db: EntityManager,
    queries: ManifestQuery[],
  ): Promise<Array<PalletManifest | null>> {
    if (!queries.length) return [];
    const rows = await PALLET_MANIFESTS.run(db, [
      queries.map((_, i) => i),
      queries.map((q) => q.siteId),
      queries.map((q) => q.sscc),
      queries.map((q) => q.gtin),
      queries.map((q) => q.lot),
      queries.map((q) => q.serial),
    ]);
    const found = queries.map((): PalletManifest | null => null);
    for (const r of rows) found[r.i] ??= { manifestId: r.manifest_id, listsUnit: r.lists_unit };
    return found;
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

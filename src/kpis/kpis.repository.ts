import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SecondsSpread {
  p50: number | null;
  p95: number | null;
}

/** The enforcement figures of one group of flags: a site, a supplier, both, or all. */
export interface KpiRow {
  siteId: string | null;
  /** Null for units without a certificate's supplier, or when the row is not per supplier. */
  supplierId: string | null;
  flags: number;
  open: number;
  released: number;
  quarantined: number;
  /** Of the resolved flags, the share quarantined / released; null before any is resolved. */
  quarantineRate: number | null;
  falseFlagRate: number | null;
  /** From a suspicious unit's scan (scannedAt) to its flag item being written. */
  timeToDetectSeconds: SecondsSpread;
  /** From a flag opened to its release or quarantine. */
  timeToResolveSeconds: SecondsSpread;
}

export type KpiGrouping = 'total' | 'site' | 'supplier' | 'siteAndSupplier';

interface Scope {
  from: Date;
  to: Date;
  /** Null: every site. */
  siteIds: string[] | null;
}

// A flag counts once for each supplier among its items; per site and in all, once.
const FLAG_FIGURES = `
  count(DISTINCT flag_id)::int AS flags,
  count(DISTINCT flag_id) FILTER (WHERE status = 'open')::int AS open,
  count(DISTINCT flag_id) FILTER (WHERE status = 'released')::int AS released,
  count(DISTINCT flag_id) FILTER (WHERE status = 'quarantined')::int AS quarantined,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_s) AS resolve_p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY resolve_s) AS resolve_p95`;

/** Figures over flags and their items, computed where they are: one statement per call. */
@Injectable()
export class KpisRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async figures(scope: Scope): Promise<Record<KpiGrouping, KpiRow[]>> {
    const rows: Array<{
      grouping: KpiGrouping;
      site_id: string | null;
      supplier_id: string | null;
      flags: number;
      open: number;
      released: number;
      quarantined: number;
      resolve_p50: number | null;
      resolve_p95: number | null;
      detect_p50: number | null;
      detect_p95: number | null;
    }> = await this.dataSource.query(
      `WITH f AS (
         SELECT flag_id, site_id, status,
                extract(epoch FROM resolved_at - opened_at)::float8 AS resolve_s
           FROM flags
          WHERE opened_at >= $1 AND opened_at < $2 AND ($3::text[] IS NULL OR site_id = ANY($3))),
       per_supplier AS (
         SELECT DISTINCT f.*, i.supplier_id FROM f JOIN flag_items i ON i.flag_id = f.flag_id),
       detected AS (
         SELECT f.site_id, i.supplier_id,
                extract(epoch FROM i.added_at - s.scanned_at)::float8 AS detect_s
           FROM f JOIN flag_items i ON i.flag_id = f.flag_id
           JOIN scans s ON s.event_id = i.event_id),
       flag_groups AS (
         SELECT CASE WHEN GROUPING(site_id) = 1 THEN 'total' ELSE 'site' END AS grouping,
                site_id, NULL::text AS supplier_id, ${FLAG_FIGURES}
           FROM f GROUP BY GROUPING SETS ((site_id), ())
         UNION ALL
         SELECT CASE WHEN GROUPING(site_id) = 1 THEN 'supplier' ELSE 'siteAndSupplier' END,
                site_id, supplier_id, ${FLAG_FIGURES}
           FROM per_supplier GROUP BY GROUPING SETS ((site_id, supplier_id), (supplier_id))),
       detect_groups AS (
         SELECT CASE GROUPING(site_id, supplier_id)
                  WHEN 3 THEN 'total' WHEN 1 THEN 'site' WHEN 2 THEN 'supplier'
                  ELSE 'siteAndSupplier' END AS grouping,
                site_id, supplier_id,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY detect_s) AS detect_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY detect_s) AS detect_p95
           FROM detected
          GROUP BY GROUPING SETS ((site_id, supplier_id), (site_id), (supplier_id), ()))
       SELECT g.*, d.detect_p50, d.detect_p95
         FROM flag_groups g
         LEFT JOIN detect_groups d ON d.grouping = g.grouping
              AND d.site_id IS NOT DISTINCT FROM g.site_id
              AND d.supplier_id IS NOT DISTINCT FROM g.supplier_id
        ORDER BY g.grouping, g.site_id NULLS FIRST, g.supplier_id NULLS FIRST`,
      [scope.from, scope.to, scope.siteIds],
    );
    const grouped: Record<KpiGrouping, KpiRow[]> = {
      total: [],
      site: [],
      supplier: [],
      siteAndSupplier: [],
    };
    for (const r of rows) {
      const resolved = r.released + r.quarantined;
      grouped[r.grouping].push({
        siteId: r.site_id,
        supplierId: r.supplier_id,
        flags: r.flags,
        open: r.open,
        released: r.released,
        quarantined: r.quarantined,
        quarantineRate: resolved ? r.quarantined / resolved : null,
        falseFlagRate: resolved ? r.released / resolved : null,
        timeToDetectSeconds: { p50: r.detect_p50, p95: r.detect_p95 },
        timeToResolveSeconds: { p50: r.resolve_p50, p95: r.resolve_p95 },
      });
    }
    return grouped;
  }
}

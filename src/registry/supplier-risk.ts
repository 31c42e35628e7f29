import type { EntityManager } from 'typeorm';

/** Each quarantine adds up to this many points; a quarantine's points halve every half-life. */
export const POINTS_PER_QUARANTINE = 10;
export const HALF_LIFE_DAYS = 90;

export interface SupplierRisk {
  /** 0-100: the recency-weighted count of quarantines holding the supplier's units, × 10, capped. */
  score: number;
  quarantines: number;
  quarantinedUnits: number;
  lastQuarantineAt: string | null;
}

/** Pure: the score of quarantines resolved at these moments, seen at `now`. */
export function riskScore(quarantinedAt: Date[], now: Date): number {
  const weight = quarantinedAt.reduce((sum, at) => {
    const ageDays = Math.max(0, now.getTime() - at.getTime()) / 86_400_000;
    return sum + 0.5 ** (ageDays / HALF_LIFE_DAYS);
  }, 0);
  return Math.min(100, Math.round(POINTS_PER_QUARANTINE * weight * 10) / 10);
}

export async function supplierRisk(
  db: EntityManager,
  supplierId: string,
  now: Date,
): Promise<SupplierRisk> {
  const rows: Array<{ resolved_at: Date; units: number }> = await db.query(
    `SELECT f.resolved_at, count(*)::int AS units
       FROM flags f JOIN flag_items i ON i.flag_id = f.flag_id
      WHERE f.status = 'quarantined' AND i.supplier_id = $1
      GROUP BY f.flag_id, f.resolved_at ORDER BY f.resolved_at`,
    [supplierId],
  );
  return {
    score: riskScore(
      rows.map((r) => r.resolved_at),
      now,
    ),
    quarantines: rows.length,
    quarantinedUnits: rows.reduce((n, r) => n + r.units, 0),
    lastQuarantineAt: rows.at(-1)?.resolved_at.toISOString() ?? null,
  };
}

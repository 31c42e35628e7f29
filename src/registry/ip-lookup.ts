import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface RightInForce {
  rightId: string;
  kind: string;
  validUntil: string;
}

export interface ClearanceOfBatch {
  clearanceId: string;
  /** Null: the clearance is for every lot. */
  lot: string | null;
  markets: string[];
  /** `markets` expanded to countries. */
  countries: string[];
  rightIds: string[];
  validFrom: string;
  validUntil: string;
}

// `gtin_prefixes && <every prefix of G>` is `G LIKE prefix || '%'` for some prefix, and both
// it and `countries @> {country}` can use the GIN indexes.
const RIGHTS_IN_FORCE_SQL = `
  SELECT right_id AS "rightId", kind, to_char(valid_until, 'YYYY-MM-DD') AS "validUntil"
    FROM ip_rights
   WHERE countries @> ARRAY[$1]::text[] AND gtin_prefixes && $2::text[]
     AND valid_from <= $3::date AND valid_until >= $3::date
   ORDER BY right_id`;

const CLEARANCES_SQL = `
  SELECT clearance_id AS "clearanceId", lot, markets, countries, right_ids AS "rightIds",
         to_char(valid_from, 'YYYY-MM-DD') AS "validFrom",
         to_char(valid_until, 'YYYY-MM-DD') AS "validUntil"
    FROM ip_clearances
   WHERE supplier_id = $1 AND gtin = $2 AND (lot IS NULL OR lot = $3)
   ORDER BY clearance_id`;

/** The IP look-ups verification needs; pass a transaction's manager to read inside it. */
@Injectable()
export class IpLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Rights in force on `date` (YYYY-MM-DD) in `country` that cover the 14-digit `gtin`. */
  rightsInForce(
    country: string,
    gtin: string,
    date: string,
    db: EntityManager = this.dataSource.manager,
  ): Promise<RightInForce[]> {
    return db.query(RIGHTS_IN_FORCE_SQL, [country, gtinPrefixesOf(gtin), date]);
  }

  /** Every clearance of the supplier's batch (its lot, or every lot when `lot` is null), in force or not. */
  clearancesOf(
    supplierId: string,
    gtin: string,
    lot: string | null,
    db: EntityManager = this.dataSource.manager,
  ): Promise<ClearanceOfBatch[]> {
    return db.query(CLEARANCES_SQL, [supplierId, gtin, lot]);
  }
}

/** `09506000134352` → `0`, `09`, …, `09506000134352`. */
export function gtinPrefixesOf(gtin: string): string[] {
  return Array.from({ length: gtin.length }, (_, i) => gtin.slice(0, i + 1));
}

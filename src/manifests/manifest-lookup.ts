import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

const PALLET_ANNOUNCED_SQL = `
  SELECT EXISTS (SELECT 1 FROM manifest_pallets WHERE sscc = $1 AND site_id = $2) AS "announced"`;

// An item without serials (serial NULL, a quantity) lists every serial of its GTIN and lot.
const UNIT_LISTED_SQL = `
  SELECT EXISTS (
    SELECT 1 FROM manifest_pallets p
      JOIN manifest_items i ON i.manifest_id = p.manifest_id AND i.sscc = p.sscc
     WHERE p.sscc = $1 AND p.site_id = $2 AND i.gtin = $3 AND i.lot = $4
       AND (i.serial IS NULL OR i.serial = $5)) AS "listed"`;

/** The manifest look-ups verification needs; pass a transaction's manager to read inside it. */
@Injectable()
export class ManifestLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Is pallet `sscc` announced for `siteId` by any manifest? */
  async isPalletAnnounced(
    sscc: string,
    siteId: string,
    db: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const [row]: Array<{ announced: boolean }> = await db.query(PALLET_ANNOUNCED_SQL, [
      sscc,
      siteId,
    ]);
    return row.announced;
  }

  /** Does a manifest announcing pallet `sscc` for `siteId` list this unit? */
  async isUnitListed(
    unit: { sscc: string; siteId: string; gtin: string; lot: string; serial: string | null },
    db: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const { sscc, siteId, gtin, lot, serial } = unit;
    const [row]: Array<{ listed: boolean }> = await db.query(UNIT_LISTED_SQL, [
      sscc,
      siteId,
      gtin,
      lot,
      serial,
    ]);
    return row.listed;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unit movements (`units`) answer "where is this serial" now; no query reads scans by GTIN and
 * serial, and the index cost every scan insert.
 */
export class DropUnusedScanIndex1795456800009 implements MigrationInterface {
  name = 'DropUnusedScanIndex1795456800009';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX scans_gtin_serial`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX scans_gtin_serial ON scans (gtin, serial) WHERE serial IS NOT NULL`,
    );
  }
}

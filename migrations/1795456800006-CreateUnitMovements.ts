import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each serialised unit is: one row per GTIN + serial ever received (so a batch's distinct
 * serials can be counted), and every site whose inbound dock it passed.
 */
export class CreateUnitMovements1795456800006 implements MigrationInterface {
  name = 'CreateUnitMovements1795456800006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE units (
        gtin              text NOT NULL,
        serial            text NOT NULL,
        lot               text,
        state             text NOT NULL CHECK (state IN ('in', 'left')),
        site_id           text NOT NULL,
        received_event_id text NOT NULL,
        received_at       timestamptz NOT NULL,
        left_event_id     text,
        left_at           timestamptz,
        PRIMARY KEY (gtin, serial)
      )`);
    await db.query(`CREATE INDEX units_batch ON units (gtin, lot)`);
    await db.query(`
      CREATE TABLE unit_site_receipts (
        site_id  text NOT NULL,
        gtin     text NOT NULL,
        serial   text NOT NULL,
        PRIMARY KEY (site_id, gtin, serial)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE unit_site_receipts`);
    await db.query(`DROP TABLE units`);
  }
}

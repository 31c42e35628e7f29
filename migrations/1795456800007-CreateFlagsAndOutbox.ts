import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flags (a pallet's suspicious units at a site, or one unit without a pallet) and the
 * transactional outbox that carries WMS messages out: a message is a row written in the same
 * transaction as the change that causes it, published afterwards, marked when the broker took it.
 * Units remember the pallet and supplier they came in with, so a revocation can hold them by
 * pallet and a quarantine can count against the supplier.
 */
export class CreateFlagsAndOutbox1795456800007 implements MigrationInterface {
  name = 'CreateFlagsAndOutbox1795456800007';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE units ADD COLUMN pallet_sscc text, ADD COLUMN supplier_id text`);
    await db.query(`CREATE INDEX units_in_by_batch ON units (gtin, lot) WHERE state = 'in'`);
    await db.query(`
      CREATE TABLE flags (
        flag_id     uuid PRIMARY KEY,
        site_id     text NOT NULL,
        pallet_sscc text,
        status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released', 'quarantined')),
        opened_at   timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        resolved_at timestamptz,
        resolved_by text,
        note        text,
        CHECK ((status = 'open') = (resolved_at IS NULL))
      )`);
    // One open flag per pallet and site: concurrent suspicious scans of a pallet grow the same flag.
    await db.query(`
      CREATE UNIQUE INDEX flags_open_pallet ON flags (site_id, pallet_sscc)
        WHERE status = 'open' AND pallet_sscc IS NOT NULL`);
    await db.query(`CREATE INDEX flags_queue ON flags (site_id, status, opened_at, flag_id)`);
    await db.query(`CREATE INDEX flags_changes ON flags (updated_at)`);
    await db.query(`
      CREATE TABLE flag_items (
        item_id        bigserial PRIMARY KEY,
        flag_id        uuid NOT NULL REFERENCES flags (flag_id),
        event_id       text,
        gtin           text,
        lot            text,
        serial         text,
        sscc           text,
        code           text,
        reasons        jsonb NOT NULL,
        supplier_id    text,
        certificate_id text,
        added_at       timestamptz NOT NULL
      )`);
    // A scan joins a flag once, whichever instance handles it (re-sent or raced eventIds).
    await db.query(
      `CREATE UNIQUE INDEX flag_items_event ON flag_items (event_id) WHERE event_id IS NOT NULL`,
    );
    await db.query(`CREATE INDEX flag_items_flag ON flag_items (flag_id, item_id)`);
    await db.query(
      `CREATE INDEX flag_items_unit ON flag_items (gtin, serial) WHERE serial IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE outbox (
        seq          bigserial PRIMARY KEY,
        message_id   uuid NOT NULL UNIQUE,
        site_id      text NOT NULL,
        topic        text NOT NULL,
        body         text NOT NULL,
        created_at   timestamptz NOT NULL,
        published_at timestamptz,
        attempts     integer NOT NULL DEFAULT 0,
        last_error   text
      )`);
    await db.query(`CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE outbox`);
    await db.query(`DROP TABLE flag_items`);
    await db.query(`DROP TABLE flags`);
    await db.query(`DROP INDEX units_in_by_batch`);
    await db.query(`ALTER TABLE units DROP COLUMN pallet_sscc, DROP COLUMN supplier_id`);
  }
}

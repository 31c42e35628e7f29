import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateScans1795456800000 implements MigrationInterface {
  name = 'CreateScans1795456800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE scans (
        event_id     text PRIMARY KEY,
        site_id      text NOT NULL,
        dock_id      text NOT NULL,
        scanner_id   text NOT NULL,
        direction    text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        scanned_at   timestamptz NOT NULL,
        received_at  timestamptz NOT NULL,
        source       text NOT NULL CHECK (source IN ('mqtt', 'http')),
        code         text NOT NULL,
        pallet_sscc  text,
        gtin         text,
        lot          text,
        serial       text,
        expiry       date,
        sscc         text,
        status       text NOT NULL CHECK (status IN ('verified', 'suspicious')),
        reason_codes text[] NOT NULL,
        verdict      jsonb NOT NULL
      )`);
    await db.query(`CREATE INDEX scans_site_scanned_at ON scans (site_id, scanned_at)`);
    await db.query(
      `CREATE INDEX scans_gtin_serial ON scans (gtin, serial) WHERE serial IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE rejected_messages (
        id             bigserial PRIMARY KEY,
        received_at    timestamptz NOT NULL,
        source         text NOT NULL CHECK (source IN ('mqtt', 'http')),
        topic          text NOT NULL,
        event_id       text,
        reason         text NOT NULL,
        payload        bytea NOT NULL,
        payload_bytes  integer NOT NULL,
        payload_sha256 bytea NOT NULL,
        CONSTRAINT rejected_messages_once UNIQUE (source, topic, payload_sha256)
      )`);
    await db.query(`CREATE INDEX rejected_messages_received_at ON rejected_messages (received_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rejected_messages`);
    await db.query(`DROP TABLE scans`);
  }
}

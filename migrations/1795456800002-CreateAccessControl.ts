import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccessControl1795456800002 implements MigrationInterface {
  name = 'CreateAccessControl1795456800002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        key_id         text PRIMARY KEY,
        role           text NOT NULL CHECK (role IN ('admin', 'compliance', 'supplier', 'supervisor',
                                                     'scanner', 'wms', 'auditor', 'partner')),
        supplier_id    text,
        site_ids       text[] NOT NULL DEFAULT '{}',
        label          text NOT NULL,
        key_sha256     text NOT NULL UNIQUE,
        mosquitto_hash text,
        created_by     text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        revoked_at     timestamptz,
        CHECK ((role = 'supplier') = (supplier_id IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE sites (
        site_id    text PRIMARY KEY,
        name       text NOT NULL,
        country    text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE suppliers (
        supplier_id text PRIMARY KEY,
        name        text NOT NULL,
        country     text NOT NULL,
        public_key  text NOT NULL,
        status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE suppliers`);
    await db.query(`DROP TABLE sites`);
    await db.query(`DROP TABLE api_keys`);
  }
}

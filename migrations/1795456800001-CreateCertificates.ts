import { MigrationInterface, QueryRunner } from 'typeorm';

/** The batch certificates verification looks up; uploads and their serials arrive with the registry. */
export class CreateCertificates1795456800001 implements MigrationInterface {
  name = 'CreateCertificates1795456800001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE certificates (
        certificate_id text PRIMARY KEY,
        supplier_id    text NOT NULL,
        gtin           text NOT NULL,
        lot            text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX certificates_gtin_lot ON certificates (gtin, lot)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE certificates`);
  }
}

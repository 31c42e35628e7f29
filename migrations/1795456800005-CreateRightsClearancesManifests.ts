import { MigrationInterface, QueryRunner } from 'typeorm';

/** The IP rights registry, batch IP clearances and suppliers' shipment manifests. */
export class CreateRightsClearancesManifests1795456800005 implements MigrationInterface {
  name = 'CreateRightsClearancesManifests1795456800005';

  async up(db: QueryRunner): Promise<void> {
    await this.createRights(db);
    await this.createClearances(db);
    await this.createManifests(db);
  }

  private async createRights(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ip_rights (
        right_id            text PRIMARY KEY,
        kind                text NOT NULL CHECK (kind IN ('trademark', 'design', 'copyright')),
        title               text NOT NULL,
        owner               text NOT NULL,
        registration_number text NOT NULL,
        jurisdictions       text[] NOT NULL CHECK (cardinality(jurisdictions) > 0),
        countries           text[] NOT NULL CHECK (cardinality(countries) > 0),
        gtin_prefixes       text[] NOT NULL CHECK (cardinality(gtin_prefixes) > 0),
        valid_from          date NOT NULL,
        valid_until         date NOT NULL CHECK (valid_from <= valid_until),
        created_at          timestamptz NOT NULL DEFAULT now()
      )`);
    // Rights in force in a country covering a GTIN: countries @> {c} AND gtin_prefixes && {prefixes of G}.
    await db.query(`CREATE INDEX ip_rights_countries ON ip_rights USING gin (countries)`);
    await db.query(`CREATE INDEX ip_rights_gtin_prefixes ON ip_rights USING gin (gtin_prefixes)`);
  }

  private async createClearances(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ip_clearances (
        clearance_id text PRIMARY KEY,
        supplier_id  text NOT NULL REFERENCES suppliers (supplier_id),
        gtin         text NOT NULL CHECK (gtin ~ '^[0-9]{14}$'),
        lot          text,
        markets      text[] NOT NULL CHECK (cardinality(markets) > 0),
        countries    text[] NOT NULL CHECK (cardinality(countries) > 0),
        right_ids    text[] NOT NULL CHECK (cardinality(right_ids) > 0),
        valid_from   date NOT NULL,
        valid_until  date NOT NULL CHECK (valid_from <= valid_until),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // A batch's clearances: its own lot's and the every-lot ones (lot IS NULL).
    await db.query(`CREATE INDEX ip_clearances_batch ON ip_clearances (supplier_id, gtin, lot)`);
  }

  private async createManifests(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE manifests (
        manifest_id text PRIMARY KEY,
        supplier_id text NOT NULL REFERENCES suppliers (supplier_id),
        carrier_id  text NOT NULL,
        site_id     text NOT NULL REFERENCES sites (site_id),
        content     jsonb NOT NULL,
        created_by  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE manifest_pallets (
        manifest_id text NOT NULL REFERENCES manifests (manifest_id),
        sscc        text NOT NULL CHECK (sscc ~ '^[0-9]{18}$'),
        site_id     text NOT NULL,
        PRIMARY KEY (manifest_id, sscc)
      )`);
    // Is SSCC X announced for site S?
    await db.query(`CREATE INDEX manifest_pallets_sscc_site ON manifest_pallets (sscc, site_id)`);
    await db.query(`
      CREATE TABLE manifest_items (
        id          bigserial PRIMARY KEY,
        manifest_id text NOT NULL,
        sscc        text NOT NULL,
        gtin        text NOT NULL,
        lot         text NOT NULL,
        serial      text,
        quantity    integer CHECK (quantity > 0),
        CHECK ((serial IS NULL) <> (quantity IS NULL)),
        FOREIGN KEY (manifest_id, sscc) REFERENCES manifest_pallets (manifest_id, sscc)
      )`);
    // Does the manifest of pallet X list (gtin, lot, serial)? Serial NULL rows: listed by quantity.
    await db.query(`
      CREATE INDEX manifest_items_unit ON manifest_items (sscc, gtin, lot, serial)
        INCLUDE (manifest_id, quantity)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE manifest_items`);
    await db.query(`DROP TABLE manifest_pallets`);
    await db.query(`DROP TABLE manifests`);
    await db.query(`DROP TABLE ip_clearances`);
    await db.query(`DROP TABLE ip_rights`);
  }
}

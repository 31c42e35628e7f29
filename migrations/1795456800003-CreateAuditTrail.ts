import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident audit trail: a hash chain of entries that the database itself keeps
 * append-only, and a one-row head whose row lock serialises appends across transactions.
 */
export class CreateAuditTrail1795456800003 implements MigrationInterface {
  name = 'CreateAuditTrail1795456800003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_entries (
        seq            bigserial PRIMARY KEY,
        at             timestamptz NOT NULL CHECK (at = date_trunc('milliseconds', at)),
        actor          text NOT NULL,
        action         text NOT NULL,
        object_type    text NOT NULL,
        object_id      text NOT NULL,
        payload_sha256 text NOT NULL CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
        prev_hash      text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
      )`);
    await db.query(
      `CREATE INDEX audit_entries_object ON audit_entries (object_type, object_id, seq)`,
    );
    await db.query(`CREATE INDEX audit_entries_actor ON audit_entries (actor, seq)`);
    await db.query(`CREATE INDEX audit_entries_at ON audit_entries (at)`);
    await db.query(`
      CREATE TABLE audit_chain_head (
        id   boolean PRIMARY KEY DEFAULT true CHECK (id),
        seq  bigint NOT NULL,
        hash text NOT NULL
      )`);
    await db.query(`INSERT INTO audit_chain_head (seq, hash) VALUES (0, repeat('0', 64))`);
    await this.createGuards(db);
  }

  private async createGuards(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entries is append-only';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_entries_no_update_delete BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`);
    // Rewinding the head would let a truncated tail pass verification.
    await db.query(`
      CREATE FUNCTION audit_chain_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id AND NEW.seq = OLD.seq + 1 THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_chain_head only advances one entry at a time';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_chain_head_advance_only BEFORE UPDATE OR DELETE ON audit_chain_head
        FOR EACH ROW EXECUTE FUNCTION audit_chain_head_advance_only()`);
    await db.query(`
      CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_advance_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_chain_head`);
    await db.query(`DROP TABLE audit_entries`);
    await db.query(`DROP FUNCTION audit_chain_head_advance_only()`);
    await db.query(`DROP FUNCTION audit_entries_append_only()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints of a site and one delivery row per endpoint and WMS message. The rows are
 * made by a trigger on `outbox`, inside the transaction that writes the message, so a message
 * committed is a message queued for every endpoint enabled at that moment, crash or not.
 */
export class CreateWebhooks1795456800008 implements MigrationInterface {
  name = 'CreateWebhooks1795456800008';

  async up(db: QueryRunner): Promise<void> {
    // The secret stays readable: every delivery is signed with it (an HMAC key cannot be hashed).
    await db.query(`
      CREATE TABLE webhook_endpoints (
        endpoint_id       text PRIMARY KEY,
        site_id           text NOT NULL REFERENCES sites (site_id),
        url               text NOT NULL,
        secret            text NOT NULL,
        enabled           boolean NOT NULL DEFAULT true,
        disabled_at       timestamptz,
        created_at        timestamptz NOT NULL,
        created_by        text NOT NULL,
        delivered_count   bigint NOT NULL DEFAULT 0,
        last_delivered_at timestamptz,
        last_attempt_at   timestamptz,
        last_error        text,
        last_error_at     timestamptz,
        UNIQUE (site_id, url)
      )`);
    // order_key (the flagId) keeps a flag's messages in order per endpoint: a release is not
    // delivered before the hold it ends. status: pending until delivered or given up (failed).
    await db.query(`
      CREATE TABLE webhook_deliveries (
        delivery_id     bigserial PRIMARY KEY,
        endpoint_id     text NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
        outbox_seq      bigint NOT NULL REFERENCES outbox (seq),
        order_key       text,
        status          text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        claim_token     uuid,
        created_at      timestamptz NOT NULL,
        last_attempt_at timestamptz,
        last_status     integer,
        last_error      text,
        delivered_at    timestamptz,
        UNIQUE (endpoint_id, outbox_seq)
      )`);
    await db.query(`
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status = 'pending'`);
    await db.query(`
      CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, delivery_id)
        WHERE status = 'pending'`);
    await db.query(`
      CREATE INDEX webhook_deliveries_undelivered ON webhook_deliveries (endpoint_id)
        WHERE status <> 'delivered'`);
    // The flagId is read with a pattern rather than a jsonb cast: a cast that failed on an
    // unexpected body would roll back the change that wrote the message, and catching it would
    // cost a subtransaction per message. JSON strings escape quotes, so the pattern only
    // matches a key.
    await db.query(`
      CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO webhook_deliveries (endpoint_id, outbox_seq, order_key, created_at, next_attempt_at)
        SELECT endpoint_id, NEW.seq, substring(NEW.body FROM '"flagId"\\s*:\\s*"([^"\\\\]{1,64})"'),
               NEW.created_at, now()
          FROM webhook_endpoints
         WHERE site_id = NEW.site_id AND enabled;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER outbox_webhook_fan_out AFTER INSERT ON outbox
        FOR EACH ROW EXECUTE FUNCTION webhook_fan_out()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER outbox_webhook_fan_out ON outbox`);
    await db.query(`DROP FUNCTION webhook_fan_out()`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What OUTBOX_RETENTION_DAYS needs to delete old outbox messages and finished webhook deliveries
 * by index rather than by reading the tables:
 * - `webhook_deliveries.finished_at`: when a delivery was delivered or given up (by its retries
 *   running out or by its endpoint answering 410); no column said so for the failed ones. The
 *   existing rows take the closest time they recorded, never an earlier one.
 * - `webhook_deliveries (finished_at)` of the finished ones, `outbox (published_at)` of the
 *   published ones: the old rows are found without reading the recent ones.
 * - `webhook_deliveries (outbox_seq)`: deleting an outbox message checks for deliveries still
 *   referring to it; without it each message deleted read the whole deliveries table.
 */
export class PrepareWmsRetention1795456800012 implements MigrationInterface {
  name = 'PrepareWmsRetention1795456800012';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE webhook_deliveries ADD COLUMN finished_at timestamptz`);
    await db.query(`
      UPDATE webhook_deliveries d
         SET finished_at = coalesce(d.delivered_at, greatest(d.last_attempt_at, e.disabled_at),
                                    d.created_at)
        FROM webhook_endpoints e
       WHERE e.endpoint_id = d.endpoint_id AND d.status <> 'pending'`);
    await db.query(`
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_finished_at_check
        CHECK ((status = 'pending') = (finished_at IS NULL))`);
    await db.query(`
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at)
        WHERE status <> 'pending'`);
    await db.query(`CREATE INDEX webhook_deliveries_outbox ON webhook_deliveries (outbox_seq)`);
    await db.query(
      `CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX outbox_published`);
    await db.query(`DROP INDEX webhook_deliveries_outbox`);
    await db.query(`DROP INDEX webhook_deliveries_finished`);
    await db.query(
      `ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_finished_at_check`,
    );
    await db.query(`ALTER TABLE webhook_deliveries DROP COLUMN finished_at`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A delivery claimed for one attempt, with what it takes to send it. */
export interface ClaimedDelivery {
  deliveryId: string;
  endpointId: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: Date;
  url: string;
  secret: string;
  messageId: string;
  body: string;
}

interface ClaimedRow {
  delivery_id: string;
  endpoint_id: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
  message_id: string;
  body: string;
}

/**
 * Due deliveries of enabled endpoints, except one whose flag has an earlier message still pending
 * for the same endpoint. The claim is a lease: next_attempt_at moves past the request's timeout,
 * so a crashed instance's claims come due again by themselves; SKIP LOCKED lets instances claim
 * side by side, and a pending earlier message blocks its successor even while leased.
 */
const CLAIM_SQL = `
  WITH due AS (
    SELECT d.delivery_id
      FROM webhook_deliveries d
      JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id AND e.enabled
     WHERE d.status = 'pending' AND d.next_attempt_at <= now()
       AND NOT EXISTS (
         SELECT 1 FROM webhook_deliveries p
          WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key
            AND p.status = 'pending' AND p.delivery_id < d.delivery_id)
     ORDER BY d.next_attempt_at, d.delivery_id
     LIMIT $1
     FOR UPDATE OF d SKIP LOCKED)
  UPDATE webhook_deliveries d
     SET claim_token = $2, next_attempt_at = now() + $3 * interval '1 millisecond'
    FROM due, webhook_endpoints e, outbox o
   WHERE d.delivery_id = due.delivery_id AND e.endpoint_id = d.endpoint_id AND o.seq = d.outbox_seq
  RETURNING d.delivery_id::text, d.endpoint_id, d.attempts, d.created_at, e.url, e.secret,
            o.message_id::text, o.body`;

// Each outcome is one statement for the delivery and its endpoint, and only while the claim is
// still ours: a lease that ran out and was claimed again elsewhere leaves its outcome to that one.
const DELIVERED_SQL = `
  WITH d AS (
    UPDATE webhook_deliveries
       SET status = 'delivered', attempts = attempts + 1, claim_token = NULL,
           last_attempt_at = now(), delivered_at = now(), finished_at = now(), last_status = $3
     WHERE delivery_id = $1 AND claim_token = $2
    RETURNING endpoint_id)
  UPDATE webhook_endpoints e
     SET delivered_count = delivered_count + 1, last_delivered_at = now(), last_attempt_at = now()
    FROM d WHERE e.endpoint_id = d.endpoint_id`;

const FAILED_SQL = `
  WITH d AS (
    UPDATE webhook_deliveries
       SET status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
           finished_at = CASE WHEN $3::timestamptz IS NULL THEN now() END,
           next_attempt_at = coalesce($3::timestamptz, next_attempt_at),
           attempts = attempts + 1, claim_token = NULL, last_attempt_at = now(),
           last_status = $4, last_error = $5
     WHERE delivery_id = $1 AND claim_token = $2
    RETURNING endpoint_id)
  UPDATE webhook_endpoints e
     SET last_attempt_at = now(), last_error = $5, last_error_at = now()
    FROM d WHERE e.endpoint_id = d.endpoint_id`;

// The receiver said the URL is gone for good: the endpoint stops, and so do its queued messages.
const GONE_SQL = `
  WITH d AS (
    UPDATE webhook_deliveries
       SET status = 'failed', finished_at = now(), attempts = attempts + 1, claim_token = NULL,
           last_attempt_at = now(), last_status = $3, last_error = $4
     WHERE delivery_id = $1 AND claim_token = $2
    RETURNING endpoint_id),
  e AS (
    UPDATE webhook_endpoints e
       SET enabled = false, disabled_at = now(), last_attempt_at = now(),
           last_error = $4, last_error_at = now()
      FROM d WHERE e.endpoint_id = d.endpoint_id
    RETURNING e.endpoint_id)
  UPDATE webhook_deliveries q
     SET status = 'failed', finished_at = now(),
         last_error = 'not sent: the endpoint was disabled (410 Gone)'
    FROM e WHERE q.endpoint_id = e.endpoint_id AND q.status = 'pending' AND q.delivery_id <> $1`;

// Finished deliveries only (an index covers them); the caller repeats it until a batch falls short.
const DELETE_FINISHED_SQL = `
  DELETE FROM webhook_deliveries WHERE delivery_id IN (
    SELECT delivery_id FROM webhook_deliveries
     WHERE status <> 'pending' AND finished_at < $1
     LIMIT $2)`;

const RELEASE_SQL = `
  UPDATE webhook_deliveries SET claim_token = NULL, next_attempt_at = now()
   WHERE delivery_id = $1 AND claim_token = $2`;

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async claim(limit: number, claimToken: string, leaseMs: number): Promise<ClaimedDelivery[]> {
    const [rows]: [ClaimedRow[], number] = await this.dataSource.query(CLAIM_SQL, [
      limit,
      claimToken,
      leaseMs,
    ]);
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      endpointId: row.endpoint_id,
      attempts: row.attempts,
      createdAt: row.created_at,
      url: row.url,
      secret: row.secret,
      messageId: row.message_id,
      body: row.body,
    }));
  }

  /** Deliveries still to be sent or retried, of every endpoint. */
  async backlog(): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`,
    );
    return row.n;
  }

  async delivered(deliveryId: string, claimToken: string, status: number): Promise<void> {
    await this.dataSource.query(DELIVERED_SQL, [deliveryId, claimToken, status]);
  }

  /** `retryAt` null: given up, kept as failed with this error. */
  async failed(
    deliveryId: string,
    claimToken: string,
    outcome: { status: number | null; error: string; retryAt: Date | null },
  ): Promise<void> {
    await this.dataSource.query(FAILED_SQL, [
      deliveryId,
      claimToken,
      outcome.retryAt,
      outcome.status,
      outcome.error,
    ]);
  }

  async gone(deliveryId: string, claimToken: string, status: number, error: string) {
    await this.dataSource.query(GONE_SQL, [deliveryId, claimToken, status, error]);
  }

  /** Delivered or given up before `before`, at most `limit` of them: how many went. */
  async deleteFinished(db: EntityManager, before: Date, limit: number): Promise<number> {
    const [, deleted]: [unknown, number] = await db.query(DELETE_FINISHED_SQL, [before, limit]);
    return deleted;
  }

  /** An attempt cut short by shutdown does not count: due again at once, for any instance. */
  async release(deliveryId: string, claimToken: string): Promise<void> {
    await this.dataSource.query(RELEASE_SQL, [deliveryId, claimToken]);
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statement';
import { WmsMessage, wmsTopic } from './wms-message';

/** PostgreSQL delivers a NOTIFY on commit, so the relay hears of a message once it is durable. */
export const OUTBOX_CHANNEL = 'dockproof_outbox';

export interface OutboxRow {
  seq: string;
  topic: string;
  body: string;
}

const APPEND = prepared(
  'outbox.append',
  `WITH appended AS (
     INSERT INTO outbox (message_id, site_id, topic, body, created_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]))
   SELECT pg_notify($6, '')`,
);

/**
 * The transactional outbox: a WMS message is a row written in the transaction of the change that
 * causes it, so it exists exactly when the change does; the relay publishes it afterwards.
 */
@Injectable()
export class OutboxRepository {
  async append(db: EntityManager, messages: WmsMessage[]): Promise<void> {
    if (!messages.length) return;
    await APPEND.run(db, [
      messages.map((m) => m.messageId),
      messages.map((m) => m.siteId),
      messages.map((m) => wmsTopic(m.siteId)),
      messages.map((m) => JSON.stringify(m)),
      messages.map((m) => m.at),
      OUTBOX_CHANNEL,
    ]);
  }

  /**
   * The oldest unpublished messages. `outbox.seq`, not `seq`: that name is the text column of the
   * select list, and ordering by it put message 10 before message 9.
   */
  claim(db: EntityManager, limit: number): Promise<OutboxRow[]> {
    return db.query(
      `SELECT seq::text, topic, body FROM outbox WHERE published_at IS NULL
        ORDER BY outbox.seq LIMIT $1 FOR UPDATE`,
      [limit],
    );
  }

  /** Messages written and not yet acknowledged by the broker. */
  async depth(db: EntityManager): Promise<number> {
    const [row]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    return row.n;
  }

  async markPublished(db: EntityManager, seqs: string[], at: Date): Promise<void> {
    if (!seqs.length) return;
    await db.query(`UPDATE outbox SET published_at = $2 WHERE seq = ANY($1::bigint[])`, [seqs, at]);
  }

  /**
   * Published before `before`, at most `limit` of them: how many went. A message whose webhook
   * deliveries are still there stays: they send its body, and refer to it.
   */
  async deletePublished(db: EntityManager, before: Date, limit: number): Promise<number> {
    const [, deleted]: [unknown, number] = await db.query(
      `DELETE FROM outbox WHERE seq IN (
         SELECT o.seq FROM outbox o
          WHERE o.published_at IS NOT NULL AND o.published_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_seq = o.seq)
          LIMIT $2)`,
      [before, limit],
    );
    return deleted;
  }

  /** Kept on the row, so an operator sees why a message is stuck. */
  async markFailed(db: EntityManager, seq: string, error: string): Promise<void> {
    await db.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1`, [
      seq,
      error.slice(0, 1000),
    ]);
  }
}

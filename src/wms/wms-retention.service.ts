import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { worthAnotherRound } from '../database/transient-error';
import { OutboxRepository } from './outbox.repository';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository';
import { pgPoolOf } from '../database/pool';

const ROUND_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
// Rows per statement, each statement a transaction of its own: no lock is held for long.
const BATCH = 10_000;
// Tagged like the batches' and scan partitions' lock keys, so that it meets none of them.
const LOCK_KEY = JSON.stringify(['wms-retention']);
// Old rows are locked by no one in the normal course; whatever does lock them (a schema change
// of another instance starting) is waited for this long, then the round is left to the next one.
const LOCK_TIMEOUT = '200ms';

/** What one round deleted. */
export interface RetentionRound {
  outboxMessages: number;
  deliveries: number;
}

/**
 * Deletes published outbox messages and finished webhook deliveries older than
 * OUTBOX_RETENTION_DAYS, at start-up and then hourly. Every instance runs it; an advisory lock
 * lets one at a time do the work, and the others skip that round.
 */
@Injectable()
export class WmsRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WmsRetention.name);
  private timer?: NodeJS.Timeout;
  private round: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  // Not awaited: after an upgrade the first round may have months of rows to delete.
  onApplicationBootstrap(): void {
    this.startRound();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /**
   * One round, after the one this instance has under way if any; undefined when another instance
   * is doing it.
   */
  prune(now = new Date()): Promise<RetentionRound | undefined> {
    const round = this.round.then(() => this.pruneOnce(now));
    this.round = round.catch(() => undefined);
    return round;
  }

  private startRound(): void {
    void this.prune()
      .catch((error: unknown) => this.postponed(error))
      .finally(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.startRound(), ROUND_EVERY_MS);
    // Retention alone must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  private pruneOnce(now: Date): Promise<RetentionRound | undefined> {
    const days = this.settings.OUTBOX_RETENTION_DAYS;
    const before = new Date(now.getTime() - days * DAY_MS);
    return this.underLock(async () => {
      // Deliveries first: a message goes only once no delivery refers to it.
      const deliveries = await this.inBatches((db) =>
        this.deliveries.deleteFinished(db, before, BATCH),
      );
      const outboxMessages = await this.inBatches((db) =>
        this.outbox.deletePublished(db, before, BATCH),
      );
      if (deliveries || outboxMessages) {
        this.logger.log(
          `deleted ${outboxMessages} published outbox messages and ${deliveries} finished ` +
            `webhook deliveries older than OUTBOX_RETENTION_DAYS=${days}`,
        );
      }
      return { outboxMessages, deliveries };
    });
  }

  /** Until a batch falls short (or the app stops); how many rows went in all. */
  private async inBatches(deleteBatch: (db: EntityManager) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.dataSource.transaction(async (db) => {
        await db.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        return deleteBatch(db);
      });
      total += deleted;
      if (deleted < BATCH || this.stopped) return total;
    }
  }

  /**
   * The lock is held by a session of its own for the whole round, while the batches commit on
   * other connections. A session that may still hold it is closed, not returned to the pool.
   */
  private async underLock<T>(work: () => Promise<T>): Promise<T | undefined> {
    const pool = pgPoolOf(this.dataSource)!;
    const session: PoolClient = await pool.connect();
    // A session that drops loses its lock, and the unlock below fails; this keeps the dropped
    // connection's error from being unhandled (it stays for a closed session, which reports too).
    const ignore = () => undefined;
    session.on('error', ignore);
    let mayHoldLock = true;
    try {
      const { rows } = await session.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
        [LOCK_KEY],
      );
      mayHoldLock = rows[0].locked;
      if (!mayHoldLock) return undefined;
      const result = await work();
      await session.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [LOCK_KEY]);
      mayHoldLock = false;
      return result;
    } finally {
      if (!mayHoldLock) session.removeListener('error', ignore);
      session.release(mayHoldLock);
    }
  }

  private postponed(error: unknown): void {
    const message = `WMS retention postponed to the next round: ${messageOf(error)}`;
    if (worthAnotherRound(error)) this.logger.warn(message);
    else this.logger.error(message);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

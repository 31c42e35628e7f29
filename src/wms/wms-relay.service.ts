import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { MessageBus } from '../broker/message-bus';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { MetricsService } from '../metrics/metrics.service';
import { OUTBOX_CHANNEL, OutboxRepository } from './outbox.repository';
import { pgPoolOf } from '../database/pool';

const BATCH = 100;
// A NOTIFY wakes the relay at once; the poll only covers a listener that lost its connection.
const POLL_MS = 2_000;
const MAX_BACKOFF_MS = 10_000;
const RELAY_LOCK = 'dockproof-wms-relay';

/**
 * Publishes outbox rows to the broker, oldest first, and marks them only once the broker has
 * acknowledged them (QoS 1). A crash before the mark publishes them again after restart: at least
 * once, and consumers de-duplicate on messageId.
 */
@Injectable()
export class WmsRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WmsRelay.name);
  private stopped = false;
  private woken = false;
  // A notification while a batch is being relayed is remembered, so the next pause is skipped.
  private readonly markWoken = () => {
    this.woken = true;
  };
  private wake: () => void = this.markWoken;
  private loop?: Promise<void>;
  private listener?: PoolClient;
  private leader = false;
  private readonly dropped = new WeakSet<PoolClient>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
    @Inject(SETTINGS) private readonly settings: Settings,
    metrics: MetricsService,
  ) {
    metrics.gauge(
      'dockproof_outbox_depth',
      'WMS messages in the outbox not yet acknowledged by the broker (all instances)',
      () => this.outbox.depth(this.dataSource.manager),
    );
  }

  onApplicationBootstrap(): void {
    if (this.settings.WMS_RELAY === 'off') return;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    if (this.listener) this.drop(this.listener);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      if (!this.listener) await this.listen();
      await this.tryLead();
      try {
        const { published, failed } = this.leader
          ? await this.relayBatch()
          : { published: 0, failed: false };
        failures = failed ? failures + 1 : 0;
        if (published === BATCH) continue;
      } catch (error) {
        if (this.stopped) break;
        if (failures++ === 0) this.logger.warn(`WMS messages not relayed yet: ${String(error)}`);
      }
      await this.pause(failures ? Math.min(MAX_BACKOFF_MS, 200 * 2 ** failures) : POLL_MS);
    }
  }

  /**
   * The messages the broker took are marked together at the end of the batch; a failure ends the
   * batch there and records the error on its message, which is retried (first) next round. Should
   * the marking not commit, the batch goes out again: at least once, never lost.
   */
  private relayBatch(): Promise<{ published: number; failed: boolean }> {
    return this.dataSource.transaction(async (db) => {
      const rows = await this.outbox.claim(db, BATCH);
      const published: string[] = [];
      let failed = false;
      // One at a time, so a site's messages reach the broker in the order they were written.
      for (const row of rows) {
        if (this.stopped) break;
        try {
          await this.bus.publish(`${this.settings.MQTT_TOPIC_PREFIX}${row.topic}`, row.body);
          published.push(row.seq);
        } catch (error) {
          await this.outbox.markFailed(db, row.seq, String(error));
          if (!this.stopped)
            this.logger.warn(`WMS message ${row.seq} not published: ${String(error)}`);
          failed = true;
          break;
        }
      }
      await this.outbox.markPublished(db, published, new Date());
      return { published: published.length, failed };
    });
  }

  /**
   * A session of its own: LISTEN for new messages, and hold the relay lock. Only the instance
   * holding it relays, so messages leave in outbox order even with several instances (a
   * `release` never overtakes its `hold`); when its connection dies, another instance takes over.
   */
  private async listen(): Promise<void> {
    const pool = pgPoolOf(this.dataSource)!;
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      const session = client;
      session.on('notification', () => this.wake());
      // The session is broken (and its lock gone): drop it and start again next round. The
      // handler stays after a drop, as a dropped client still reports its connection's end.
      session.on('error', () => this.drop(session));
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = session;
    } catch (error) {
      if (client) this.drop(client);
      this.logger.warn(`cannot listen for outbox notifications, polling: ${String(error)}`);
    }
  }

  /** Destroyed, not returned: a pooled connection must not keep LISTENing (or the relay lock). */
  private drop(session: PoolClient): void {
    if (this.dropped.has(session)) return;
    this.dropped.add(session);
    if (this.listener === session) {
      this.listener = undefined;
      this.leader = false;
    }
    session.release(true);
  }

  /** Tries for the relay lock on the listening session; another instance may hold it. */
  private async tryLead(): Promise<void> {
    if (this.leader || !this.listener) return;
    try {
      const [row] = (
        await this.listener.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
          [RELAY_LOCK],
        )
      ).rows;
      this.leader = row.locked;
    } catch {
      // The session's error handler drops it; the next round starts a new one.
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = this.markWoken;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const ANALYZE_EVERY_MS = 60_000;
// Tagged like the other advisory lock keys, so that it meets none of them.
const LOCK_KEY = JSON.stringify(['table-statistics']);

/**
 * Where PostgreSQL runs without autovacuum, DockProof ANALYZEs the database itself every minute.
 * Without fresh statistics the plans a connection keeps for the scan commit's prepared statements
 * stay those made while the tables were nearly empty: on this project's test machine a look-up
 * of `units` planned as a sequential scan then cost seconds per commit once the table held
 * 250,000 units (the 10-minute soak fell from 1,000 to a few hundred scans a second). ANALYZE
 * also invalidates those plans, so the next execution plans again on the new statistics. One
 * instance at a time (an advisory lock); with autovacuum on, this does nothing.
 */
@Injectable()
export class TableStatisticsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TableStatisticsService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const [{ autovacuum }] =
      await this.dataSource.query<Array<{ autovacuum: string }>>('SHOW autovacuum');
    if (autovacuum === 'on') return;
    this.logger.warn(
      'PostgreSQL runs with autovacuum off: DockProof runs ANALYZE every minute meanwhile; ' +
        'autovacuum (or a scheduled ANALYZE) is the better place for it',
    );
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.analyze());
    }, ANALYZE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Resolves whatever happens: the next minute tries again. */
  async analyze(): Promise<boolean> {
    try {
      return await this.dataSource.transaction(async (db) => {
        const [{ locked }] = await db.query<Array<{ locked: boolean }>>(
          'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
          [LOCK_KEY],
        );
        if (locked) await db.query('ANALYZE');
        return locked;
      });
    } catch (error) {
      this.logger.warn(`ANALYZE left to the next minute: ${String(error)}`);
      return false;
    }
  }
}

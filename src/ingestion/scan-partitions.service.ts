import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { worthAnotherRound } from '../database/transient-error';
import { monthsToPrepare, partitionsPastRetention } from './partition-months';
import { PartitionedTable, ScanPartitionsRepository } from './scan-partitions.repository';

/** Partitioned by month of `received_at` (migration 1795456800010). */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { name: 'scans', uniqueColumn: 'event_id' },
  { name: 'rejected_messages', uniqueColumn: null },
];

const ROUND_EVERY_MS = 60 * 60 * 1000;

export interface MaintenanceRound {
  created: string[];
  dropped: string[];
}

/**
 * Keeps the month partitions of the scan tables ready ahead of time and, with SCAN_RETENTION_DAYS
 * set, drops the months past it: at start-up, then hourly. Every instance runs it; an advisory
 * lock lets one at a time change the partitions, and each change is idempotent.
 */
@Injectable()
export class ScanPartitionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScanPartitionsService.name);
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partitions: ScanPartitionsRepository,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.maintain();
    } catch (error) {
      // Months are made two ahead, so a busy or absent database can wait for the next round;
      // anything else (schema, permissions) the operator must see now.
      if (!worthAnotherRound(error)) throw error;
      this.logger.warn(`partition maintenance postponed to the next round: ${messageOf(error)}`);
    }
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round: this month's and the next months' partitions, then retention. */
  async maintain(now = new Date()): Promise<MaintenanceRound> {
    const created: string[] = [];
    const dropped: string[] = [];
    // Each step in a transaction of its own: a DROP that cannot have its lock undoes no CREATE.
    for (const table of PARTITIONED_TABLES) created.push(...(await this.prepare(table, now)));
    for (const table of PARTITIONED_TABLES) dropped.push(...(await this.prune(table.name, now)));
    if (created.length) this.logger.log(`created partitions ${created.join(', ')}`);
    if (dropped.length) {
      this.logger.log(
        `dropped partitions past SCAN_RETENTION_DAYS=${this.settings.SCAN_RETENTION_DAYS}: ${dropped.join(', ')}`,
      );
    }
    return { created, dropped };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.maintain()
        .then(
          () => undefined,
          (error: unknown) => {
            const message = `partition maintenance postponed to the next round: ${messageOf(error)}`;
            if (worthAnotherRound(error)) this.logger.warn(message);
            else this.logger.error(message);
          },
        )
        .finally(() => this.schedule());
    }, ROUND_EVERY_MS);
    // Maintenance alone must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  private prepare(table: PartitionedTable, now: Date): Promise<string[]> {
    return this.dataSource.transaction(async (db) => {
      await this.partitions.lockForMaintenance(db);
      const held = await this.partitions.defaultPartitionContents(db, table.name);
      if (held && held.rows > 0) {
        // Only when their months had no partition, i.e. maintenance failed for weeks.
        this.logger.warn(
          `${held.partition} holds ${held.rows} rows received from ${held.oldest?.toISOString()} ` +
            `to ${held.newest?.toISOString()}; moving them into partitions of their months`,
        );
      }
      const { first, last } = monthsToPrepare(now);
      const created = await this.partitions.ensureMonths(db, table, first, last);
      for (const month of held?.months ?? []) {
        const start = new Date(`${month}T00:00:00Z`);
        created.push(...(await this.partitions.ensureMonths(db, table, start, start)));
      }
      return created;
    });
  }

  private async prune(table: string, now: Date): Promise<string[]> {
    const retentionDays = this.settings.SCAN_RETENTION_DAYS;
    if (retentionDays === undefined) return [];
    return this.dataSource.transaction(async (db) => {
      await this.partitions.lockForMaintenance(db);
      const partitions = await this.partitions.partitions(db, table);
      const names = partitions.map((p) => p.name);
      const past = partitionsPastRetention(table, names, now, retentionDays);
      for (const name of past) await this.partitions.drop(db, partitions[names.indexOf(name)]);
      return past;
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

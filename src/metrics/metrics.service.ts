import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { pgPoolOf } from '../database/pool';

/** Seconds from a scans message received to its verdicts committed: a dock waits this long. */
const ANSWER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics of one DockProof instance, in a registry of its own (several instances of the
 * app share a process in tests). Modules count what they do through the fields here, and register
 * gauges that read their state when Prometheus scrapes.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Each scan once, when its verdict is first committed; re-sent copies are not counted again. */
  readonly scans = new Counter({
    name: 'dockproof_scans_total',
    help: 'Scans verified or rejected, by source and verdict status',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });

  readonly scanReasons = new Counter({
    name: 'dockproof_scan_reasons_total',
    help: 'Reason codes of the verdicts counted in dockproof_scans_total',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly answerSeconds = new Histogram({
    name: 'dockproof_scan_answer_seconds',
    help: 'From a scans message received to its verdicts committed (verification included)',
    labelNames: ['source'] as const,
    buckets: ANSWER_BUCKETS,
    registers: [this.registry],
  });

  readonly webhookFailures = new Counter({
    name: 'dockproof_webhook_failures_total',
    help: 'Webhook delivery attempts that failed, by outcome (failed: retried or given up; gone: 410)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'dockproof_' });
    const pool = () => pgPoolOf(dataSource);
    this.gauge(
      'dockproof_db_pool_connections',
      'PostgreSQL pool connections: open in all, idle, and callers waiting for one',
      () => {
        const p = pool();
        return {
          total: p?.totalCount ?? 0,
          idle: p?.idleCount ?? 0,
          waiting: p?.waitingCount ?? 0,
        };
      },
      'state',
    );
  }

  /**
   * A gauge read when scraped. `read` answers one value, or one per value of `label`; a read that
   * fails (the database away) leaves the gauge out of that scrape rather than failing it.
   */
  gauge(
    name: string,
    help: string,
    read: () => number | Record<string, number> | Promise<number | Record<string, number>>,
    label?: string,
  ): void {
    this.labelledGauge(name, help, label ? [label] : [], async () => {
      const value = await read();
      if (typeof value === 'number') return [{ labels: {}, value }];
      return Object.entries(value).map(([key, v]) => ({ labels: { [label!]: key }, value: v }));
    });
  }

  /**
   * A gauge read when scraped, one sample per entry `read` answers (a label left out is "all").
   * Series not answered in a scrape disappear from it; a failed read leaves the whole gauge out.
   */
  labelledGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<GaugeSample<L>[]>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const { labels, value } of await read()) this.set(labels, value);
        } catch {
          // An empty gauge says "unknown"; the scrape itself still succeeds.
        }
      },
    });
  }
}

export interface GaugeSample<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

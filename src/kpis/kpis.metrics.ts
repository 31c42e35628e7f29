import { Injectable } from '@nestjs/common';
import { GaugeSample, MetricsService } from '../metrics/metrics.service';
import { kpiWindow } from './kpis.dto';
import { KpiGrouping, KpiRow, KpisRepository, SecondsSpread } from './kpis.repository';

type KpiLabel = 'site' | 'supplier' | 'state' | 'quantile';
type KpiGauge = 'flags' | 'quarantineRate' | 'falseFlagRate' | 'timeToDetect' | 'timeToResolve';
export type KpiSamples = Record<KpiGauge, GaugeSample<KpiLabel>[]>;

/** The supplier label of units no certificate vouched for; no supplier id can look like it. */
export const NO_SUPPLIER = '(none)';

const GAUGES: Array<[KpiGauge, string, string, KpiLabel[]]> = [
  [
    'flags',
    'dockproof_kpi_flags',
    'Flags opened in the last 30 days, by their state now',
    ['site', 'supplier', 'state'],
  ],
  [
    'quarantineRate',
    'dockproof_kpi_quarantine_rate',
    'Of the flags opened in the last 30 days and resolved, the share quarantined',
    ['site', 'supplier'],
  ],
  [
    'falseFlagRate',
    'dockproof_kpi_false_flag_rate',
    'Of the flags opened in the last 30 days and resolved, the share released',
    ['site', 'supplier'],
  ],
  [
    'timeToDetect',
    'dockproof_kpi_time_to_detect_seconds',
    "From a suspicious unit's scan to its flag, over the last 30 days' flags",
    ['site', 'supplier', 'quantile'],
  ],
  [
    'timeToResolve',
    'dockproof_kpi_time_to_resolve_seconds',
    "From a flag opened to its release or quarantine, over the last 30 days' flags",
    ['site', 'supplier', 'quantile'],
  ],
];

/**
 * The figures of `GET /api/v1/kpis` as gauge samples. A label left out means "all": per site the
 * supplier label is absent, per supplier the site label, and the overall series have neither. So
 * the series are bounded by the sites × suppliers that had flags in the window, never by units or
 * flags. A rate or time without a value yet (nothing resolved) is left out rather than sent as 0.
 */
export function kpiSamples(groups: Record<KpiGrouping, KpiRow[]>): KpiSamples {
  const samples: KpiSamples = {
    flags: [],
    quarantineRate: [],
    falseFlagRate: [],
    timeToDetect: [],
    timeToResolve: [],
  };
  const add = (gauge: KpiGauge, labels: GaugeSample<KpiLabel>['labels'], value: number | null) => {
    if (value !== null) samples[gauge].push({ labels, value });
  };
  for (const [grouping, rows] of Object.entries(groups) as Array<[KpiGrouping, KpiRow[]]>) {
    const perSupplier = grouping === 'supplier' || grouping === 'siteAndSupplier';
    for (const row of rows) {
      const labels: GaugeSample<KpiLabel>['labels'] = {};
      if (row.siteId !== null) labels.site = row.siteId;
      if (perSupplier) labels.supplier = row.supplierId ?? NO_SUPPLIER;
      for (const state of ['open', 'released', 'quarantined'] as const)
        add('flags', { ...labels, state }, row[state]);
      add('quarantineRate', labels, row.quarantineRate);
      add('falseFlagRate', labels, row.falseFlagRate);
      const quantiles = (gauge: KpiGauge, spread: SecondsSpread) => {
        add(gauge, { ...labels, quantile: '0.5' }, spread.p50);
        add(gauge, { ...labels, quantile: '0.95' }, spread.p95);
      };
      quantiles('timeToDetect', row.timeToDetectSeconds);
      quantiles('timeToResolve', row.timeToResolveSeconds);
    }
  }
  return samples;
}

/**
 * The enforcement KPIs as Prometheus gauges, computed when scraped by the API's own statement over
 * the API's default window. The figures are the database's, so every instance reports the same
 * values: aggregate them with `max without (instance)`, not `sum`.
 */
@Injectable()
export class KpiMetrics {
  private scrape?: Promise<KpiSamples>;

  constructor(
    private readonly kpis: KpisRepository,
    metrics: MetricsService,
  ) {
    for (const [gauge, name, help, labels] of GAUGES)
      metrics.labelledGauge(name, help, labels, async () => (await this.samples())[gauge]);
  }

  /**
   * prom-client collects every gauge of a scrape at once: the first to ask starts the statement
   * and the others share it, so a scrape costs one query. When it fails (the database away) the
   * KPI gauges are left out of that scrape and the rest of /metrics is served.
   */
  private samples(): Promise<KpiSamples> {
    this.scrape ??= this.kpis
      .figures({ ...kpiWindow({}, new Date()), siteIds: null })
      .then(kpiSamples)
      .finally(() => {
        this.scrape = undefined;
      });
    return this.scrape;
  }
}

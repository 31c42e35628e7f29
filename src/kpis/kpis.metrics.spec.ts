import type { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';
import { KpiMetrics, kpiSamples, NO_SUPPLIER } from './kpis.metrics';
import type { KpiGrouping, KpiRow, KpisRepository } from './kpis.repository';

function row(overrides: Partial<KpiRow> = {}): KpiRow {
  return {
    siteId: null,
    supplierId: null,
    flags: 4,
    open: 2,
    released: 1,
    quarantined: 1,
    quarantineRate: 0.5,
    falseFlagRate: 0.5,
    timeToDetectSeconds: { p50: 0.02, p95: 0.08 },
    timeToResolveSeconds: { p50: 60, p95: 300 },
    ...overrides,
  };
}

const groups = (): Record<KpiGrouping, KpiRow[]> => ({
  total: [row()],
  site: [row({ siteId: 'AMS1' })],
  supplier: [row({ supplierId: 'SUP-A' }), row({ supplierId: null })],
  siteAndSupplier: [row({ siteId: 'AMS1', supplierId: 'SUP-A' })],
});

describe('KPI samples', () => {
  it('labels each grouping by what it is per, leaving out what it sums over', () => {
    const labelSets = kpiSamples(groups()).quarantineRate.map((s) => s.labels);
    expect(labelSets).toEqual([
      {},
      { site: 'AMS1' },
      { supplier: 'SUP-A' },
      { supplier: NO_SUPPLIER },
      { site: 'AMS1', supplier: 'SUP-A' },
    ]);
  });

  it('gives flags by state, rates, and times by quantile', () => {
    const samples = kpiSamples({ ...groups(), site: [], supplier: [], siteAndSupplier: [] });
    expect(samples).toEqual({
      flags: [
        { labels: { state: 'open' }, value: 2 },
        { labels: { state: 'released' }, value: 1 },
        { labels: { state: 'quarantined' }, value: 1 },
      ],
      quarantineRate: [{ labels: {}, value: 0.5 }],
      falseFlagRate: [{ labels: {}, value: 0.5 }],
      timeToDetect: [
        { labels: { quantile: '0.5' }, value: 0.02 },
        { labels: { quantile: '0.95' }, value: 0.08 },
      ],
      timeToResolve: [
        { labels: { quantile: '0.5' }, value: 60 },
        { labels: { quantile: '0.95' }, value: 300 },
      ],
    });
  });

  it('leaves out rates and times that have no value yet, but counts zero flags', () => {
    const none = row({
      flags: 0,
      open: 0,
      released: 0,
      quarantined: 0,
      quarantineRate: null,
      falseFlagRate: null,
      timeToDetectSeconds: { p50: null, p95: null },
      timeToResolveSeconds: { p50: null, p95: null },
    });
    const samples = kpiSamples({ total: [none], site: [], supplier: [], siteAndSupplier: [] });
    expect(samples.flags.map((s) => s.value)).toEqual([0, 0, 0]);
    expect([
      samples.quarantineRate,
      samples.falseFlagRate,
      samples.timeToDetect,
      samples.timeToResolve,
    ]).toEqual([[], [], [], []]);
  });
});

describe('KPI gauges in a scrape', () => {
  // The pool gauge reads the driver only when scraped; without a pool it reports zeros.
  const metrics = () => new MetricsService({ driver: {} } as unknown as DataSource);

  it('query the figures once per scrape, over the last 30 days of every site', async () => {
    const scopes: Array<{ from: Date; to: Date; siteIds: string[] | null }> = [];
    const kpis = {
      figures: (scope: (typeof scopes)[number]) => {
        scopes.push(scope);
        return Promise.resolve(groups());
      },
    } as unknown as KpisRepository;
    const service = metrics();
    new KpiMetrics(kpis, service);

    const text = await service.registry.metrics();
    expect(scopes).toHaveLength(1);
    const [{ from, to, siteIds }] = scopes;
    expect(siteIds).toBeNull();
    expect(to.getTime() - from.getTime()).toBe(30 * 24 * 60 * 60 * 1000);
    expect(text).toContain('dockproof_kpi_flags{state="open"} 2');
    expect(text).toContain('dockproof_kpi_false_flag_rate{site="AMS1",supplier="SUP-A"} 0.5');
    expect(text).toContain('dockproof_kpi_time_to_resolve_seconds{quantile="0.95"} 300');

    await service.registry.metrics();
    expect(scopes).toHaveLength(2);
  });

  it('leave the KPI gauges out of a scrape whose query fails, and serve the rest', async () => {
    let failing = true;
    const kpis = {
      figures: () =>
        failing ? Promise.reject(new Error('connection refused')) : Promise.resolve(groups()),
    } as unknown as KpisRepository;
    const service = metrics();
    new KpiMetrics(kpis, service);

    const down = await service.registry.metrics();
    expect(down).not.toMatch(/^dockproof_kpi_\w+(\{.*\})? /m);
    expect(down).toMatch(/^dockproof_db_pool_connections\{state="total"\} 0$/m);
    expect(down).toMatch(/^dockproof_process_cpu_seconds_total /m);

    failing = false;
    expect(await service.registry.metrics()).toContain('dockproof_kpi_flags{state="open"} 2');
  });
});

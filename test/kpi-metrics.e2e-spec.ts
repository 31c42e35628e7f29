import request from 'supertest';
import { withClient } from '../src/database/with-client';
import type { KpisView } from '../src/kpis/kpis.controller';
import type { KpiRow } from '../src/kpis/kpis.repository';
import { MetricsService } from '../src/metrics/metrics.service';
import { KPI_GTIN, KpiFixture } from './support/kpi-fixture';
import type { TestApp } from './support/test-app';

const bearer = { type: 'bearer' as const };

/** `name{a="1",b="2"}` with the labels sorted, so series compare whatever order they print in. */
function series(name: string, labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return sorted.length ? `${name}{${sorted.map(([k, v]) => `${k}="${v}"`).join(',')}}` : name;
}

/** The dockproof_kpi_* samples of a Prometheus text exposition. */
function kpiSeries(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(dockproof_kpi_\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
    );
    found.set(series(match[1], labels), Number(match[3]));
  }
  return found;
}

/**
 * What /metrics should say for the API's answer: every grouping, labelled by what it is per (a
 * label left out is "all"); units without a certificate's supplier as supplier "(none)".
 */
function expectedSeries(view: KpisView): Map<string, number> {
  const expected = new Map<string, number>();
  const rows: Array<[KpiRow, boolean]> = [
    [view.total, false],
    ...view.bySite.map((r): [KpiRow, boolean] => [r, false]),
    ...view.bySupplier.map((r): [KpiRow, boolean] => [r, true]),
    ...view.bySiteAndSupplier.map((r): [KpiRow, boolean] => [r, true]),
  ];
  for (const [row, perSupplier] of rows) {
    const labels: Record<string, string> = {};
    if (row.siteId) labels.site = row.siteId;
    if (perSupplier) labels.supplier = row.supplierId ?? '(none)';
    const put = (name: string, extra: Record<string, string>, value: number | null) => {
      if (value !== null) expected.set(series(name, { ...labels, ...extra }), value);
    };
    for (const state of ['open', 'released', 'quarantined'] as const)
      put('dockproof_kpi_flags', { state }, row[state]);
    put('dockproof_kpi_quarantine_rate', {}, row.quarantineRate);
    put('dockproof_kpi_false_flag_rate', {}, row.falseFlagRate);
    for (const [quantile, key] of [
      ['0.5', 'p50'],
      ['0.95', 'p95'],
    ] as const) {
      put('dockproof_kpi_time_to_detect_seconds', { quantile }, row.timeToDetectSeconds[key]);
      put('dockproof_kpi_time_to_resolve_seconds', { quantile }, row.timeToResolveSeconds[key]);
    }
  }
  return expected;
}

describe('enforcement KPIs as Prometheus metrics', () => {
  let fixture: KpiFixture;
  let app: TestApp;
  const flags: Record<string, string> = {};

  beforeAll(async () => {
    fixture = await KpiFixture.start('LM', 'M', 700);
    app = fixture.app;
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const flagPallet = (siteId: string, code: string) => fixture.flagPallet(siteId, code);
  const resolve = (flagId: string, action: 'release' | 'quarantine') =>
    fixture.resolve(flagId, action);
  const kpis = () => fixture.kpis();
  const scrape = async () =>
    kpiSeries(
      (await request(app.http).get('/metrics').auth(app.adminKey, bearer).expect(200)).text,
    );

  it('gives the figures of GET /api/v1/kpis per site, per supplier and in all', async () => {
    // A serial SUP-A's certificate does not list, and a lot no certificate covers (no supplier).
    flags.quarantined = await flagPallet('AMS1', `(01)${KPI_GTIN}(10)LM(21)X001`);
    flags.released = await flagPallet('AMS1', `(01)${KPI_GTIN}(10)LM(21)X002`);
    flags.open = await flagPallet('AMS1', `(01)${KPI_GTIN}(10)NOCERT(21)X003`);
    await flagPallet('BRU1', `(01)${KPI_GTIN}(10)LM(21)X004`);
    await resolve(flags.quarantined, 'quarantine');
    await resolve(flags.released, 'release');

    const view = await kpis();
    const metrics = await scrape();
    expect(metrics).toEqual(expectedSeries(view));
    // Spot checks of the mapping itself, beside the comparison with the API.
    expect(metrics.get('dockproof_kpi_flags{state="open"}')).toBe(2);
    expect(metrics.get('dockproof_kpi_quarantine_rate{site="AMS1"}')).toBe(0.5);
    expect(metrics.get('dockproof_kpi_false_flag_rate{site="AMS1",supplier="SUP-A"}')).toBe(0.5);
    expect(metrics.get('dockproof_kpi_flags{site="AMS1",state="open",supplier="(none)"}')).toBe(1);
    expect(metrics.has('dockproof_kpi_quarantine_rate{site="BRU1"}')).toBe(false);
    expect(metrics.get('dockproof_kpi_time_to_resolve_seconds{quantile="0.5"}')).toBe(
      view.total.timeToResolveSeconds.p50,
    );
    expect(metrics.get('dockproof_kpi_time_to_detect_seconds{quantile="0.95"}')).toBe(
      view.total.timeToDetectSeconds.p95,
    );
  });

  it('moves with a further resolution', async () => {
    const before = await scrape();
    await resolve(flags.open, 'quarantine');
    const view = await kpis();
    const after = await scrape();
    expect(after).toEqual(expectedSeries(view));
    expect(before.get('dockproof_kpi_flags{site="AMS1",state="open"}')).toBe(1);
    expect(after.get('dockproof_kpi_flags{site="AMS1",state="open"}')).toBe(0);
    expect(after.get('dockproof_kpi_quarantine_rate{site="AMS1"}')).toBeCloseTo(2 / 3, 12);
    expect(after.get('dockproof_kpi_quarantine_rate{site="AMS1",supplier="(none)"}')).toBe(1);
  });

  it('leaves the KPIs out while the database is down, serves the rest, and recovers', async () => {
    const server = process.env.DATABASE_URL!;
    const name = new URL(app.db.url).pathname.slice(1);
    const [{ pid }] = await app.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const registry = app.dockproof.app.get(MetricsService).registry;
    await withClient(server, async (c) => {
      await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
        [name, pid],
      );
    });
    let text: string;
    try {
      // The scrape as the controller makes it: over HTTP the key check itself needs the database.
      text = await registry.metrics();
    } finally {
      await withClient(server, (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
    }
    expect(kpiSeries(text).size).toBe(0);
    expect(text).toMatch(/^dockproof_scans_total\{source="mqtt",status="suspicious"\} 4$/m);
    expect(text).toMatch(/^dockproof_process_resident_memory_bytes \d+/m);

    // Back: the next scrape has them again (the pool replaces the connections that were cut).
    let back = new Map<string, number>();
    for (let attempt = 0; attempt < 50 && !back.size; attempt++) {
      const res = await request(app.http).get('/metrics').auth(app.adminKey, bearer);
      if (res.status === 200) back = kpiSeries(res.text);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(back).toEqual(expectedSeries(await kpis()));
  });
});

import request from 'supertest';
import { KPI_GTIN, KpiFixture } from './support/kpi-fixture';

const bearer = { type: 'bearer' as const };

describe('enforcement KPIs', () => {
  let fixture: KpiFixture;

  beforeAll(async () => {
    fixture = await KpiFixture.start('LK', 'K', 500);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** A pallet flagged by a serial its certificate does not list; returns the flag id. */
  const flagPallet = (siteId: string, serial: string) =>
    fixture.flagPallet(siteId, `(01)${KPI_GTIN}(10)LK(21)${serial}`);
  const resolve = (flagId: string, action: 'release' | 'quarantine') =>
    fixture.resolve(flagId, action);
  const kpis = (key?: string, query?: string) => fixture.kpis(key, query);

  it('counts flags per site and supplier, and moves as flags are resolved', async () => {
    const quarantined = await flagPallet('AMS1', 'X001');
    const released = await flagPallet('AMS1', 'X002');
    await flagPallet('AMS1', 'X003');
    await flagPallet('BRU1', 'X004');

    const before = await kpis();
    expect(before.total).toMatchObject({ flags: 4, open: 4, released: 0, quarantined: 0 });
    expect(before.total.quarantineRate).toBeNull();
    expect(before.total.timeToResolveSeconds).toEqual({ p50: null, p95: null });
    // Detection is the scan's own commit: measured, and not negative.
    expect(before.total.timeToDetectSeconds.p50).toEqual(expect.any(Number));
    expect(before.total.timeToDetectSeconds.p50).toBeGreaterThanOrEqual(0);

    await resolve(quarantined, 'quarantine');
    await resolve(released, 'release');
    const after = await kpis();
    expect(after.total).toMatchObject({
      flags: 4,
      open: 2,
      released: 1,
      quarantined: 1,
      quarantineRate: 0.5,
      falseFlagRate: 0.5,
    });
    expect(after.total.timeToResolveSeconds.p50).toBeGreaterThanOrEqual(0);
    expect(after.bySite.map((r) => [r.siteId, r.flags, r.open])).toEqual([
      ['AMS1', 3, 1],
      ['BRU1', 1, 1],
    ]);
    expect(after.bySupplier).toEqual([expect.objectContaining({ supplierId: 'SUP-A', flags: 4 })]);
    expect(after.bySiteAndSupplier.map((r) => [r.siteId, r.supplierId, r.quarantined])).toEqual([
      ['AMS1', 'SUP-A', 1],
      ['BRU1', 'SUP-A', 0],
    ]);
  });

  it("shows a supervisor its sites' figures only", async () => {
    const { app, supervisor } = fixture;
    const mine = await kpis(supervisor);
    expect(mine.bySite.map((r) => r.siteId)).toEqual(['AMS1']);
    expect(mine.total.flags).toBe(3);
    await request(app.http).get('/api/v1/kpis?siteId=BRU1').auth(supervisor, bearer).expect(403);
    const scannerKey = await app.scannerKey();
    await request(app.http).get('/api/v1/kpis').auth(scannerKey, bearer).expect(403);
  });

  it('takes the flags opened in the window, and names a bad window', async () => {
    const { app } = fixture;
    const later = new Date(Date.now() + 60_000).toISOString();
    const empty = await kpis(app.adminKey, `?from=${encodeURIComponent(later)}`);
    expect(empty).toMatchObject({ total: { flags: 0, quarantineRate: null }, bySite: [] });
    const bad = await request(app.http)
      .get('/api/v1/kpis?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z')
      .auth(app.adminKey, bearer)
      .expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/to/);
  });
});

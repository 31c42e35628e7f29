import request from 'supertest';
import { withCheckDigit } from '../src/gs1/check-digit';
import type { KpisView } from '../src/kpis/kpis.controller';
import { issueKey } from './support/api-keys';
import {
  certificate,
  createSites,
  registerSupplier,
  uploadCertificate,
} from './support/certificates';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const G1 = '09506000134352';
const bearer = { type: 'bearer' as const };
let palletNo = 500;
const pallet = () => withCheckDigit(`1061414100000${String(palletNo++).padStart(4, '0')}`);

describe('enforcement KPIs', () => {
  let app: TestApp;
  const scanners = new Map<string, SimulatedScanner>();
  let supervisor: string;

  beforeAll(async () => {
    app = await startTestApp();
    await createSites(app);
    const acme = await registerSupplier(app, 'SUP-A');
    await uploadCertificate(
      app,
      acme,
      certificate({
        supplierId: 'SUP-A',
        certificateId: 'CERT-K',
        lot: 'LK',
        serials: undefined,
        serialRanges: [{ prefix: 'K', start: 1, end: 999, width: 3 }],
      }),
    );
    for (const site of ['AMS1', 'BRU1']) scanners.set(site, await app.connectScanner(site, 'D1'));
    supervisor = await issueKey(app.url, app.adminKey, { role: 'supervisor', siteIds: ['AMS1'] });
  });

  afterAll(async () => {
    for (const scanner of scanners.values()) await scanner.close();
    await app?.close();
  });

  /** A pallet flagged by a serial its certificate does not list; returns the flag id. */
  const flagPallet = async (siteId: string, serial: string) => {
    const event = scanEvent({ code: `(01)${G1}(10)LK(21)${serial}`, palletSscc: pallet() });
    const scanner = scanners.get(siteId)!;
    await scanner.scanUntilAnswered([event]);
    const verdict = scanner.verdicts.get(event.eventId)!;
    expect(verdict.status).toBe('suspicious');
    return verdict.flagId!;
  };
  const resolve = (flagId: string, action: 'release' | 'quarantine') =>
    request(app.http)
      .post(`/api/v1/flags/${flagId}/resolve`)
      .auth(supervisor, bearer)
      .send({ action, note: 'checked at the dock' })
      .expect(200);
  const kpis = async (key = app.adminKey, query = '') =>
    (await request(app.http).get(`/api/v1/kpis${query}`).auth(key, bearer).expect(200))
      .body as KpisView;

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
    const mine = await kpis(supervisor);
    expect(mine.bySite.map((r) => r.siteId)).toEqual(['AMS1']);
    expect(mine.total.flags).toBe(3);
    await request(app.http).get('/api/v1/kpis?siteId=BRU1').auth(supervisor, bearer).expect(403);
    const scannerKey = await app.scannerKey();
    await request(app.http).get('/api/v1/kpis').auth(scannerKey, bearer).expect(403);
  });

  it('takes the flags opened in the window, and names a bad window', async () => {
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

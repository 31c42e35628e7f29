import request from 'supertest';
import { withCheckDigit } from '../../src/gs1/check-digit';
import type { KpisView } from '../../src/kpis/kpis.controller';
import { issueKey } from './api-keys';
import { certificate, createSites, registerSupplier, uploadCertificate } from './certificates';
import { scanEvent, SimulatedScanner } from './scanner';
import { startTestApp, TestApp } from './test-app';

export const KPI_GTIN = '09506000134352';
const bearer = { type: 'bearer' as const };

/**
 * What the KPI specs share: sites AMS1 and BRU1 with a scanner each, supplier SUP-A's certificate
 * of lot `lot` (serials `<prefix>001` to `<prefix>999`), an AMS1 supervisor; pallets flagged by a
 * scanned unit and resolved by that supervisor.
 */
export class KpiFixture {
  private palletNo: number;

  private constructor(
    readonly app: TestApp,
    readonly scanners: Map<string, SimulatedScanner>,
    readonly supervisor: string,
    firstPallet: number,
  ) {
    this.palletNo = firstPallet;
  }

  static async start(lot: string, prefix: string, firstPallet: number): Promise<KpiFixture> {
    const app = await startTestApp();
    await createSites(app);
    const acme = await registerSupplier(app, 'SUP-A');
    await uploadCertificate(
      app,
      acme,
      certificate({
        supplierId: 'SUP-A',
        certificateId: `CERT-${lot}`,
        lot,
        serials: undefined,
        serialRanges: [{ prefix, start: 1, end: 999, width: 3 }],
      }),
    );
    const scanners = new Map<string, SimulatedScanner>();
    for (const site of ['AMS1', 'BRU1']) scanners.set(site, await app.connectScanner(site, 'D1'));
    const supervisor = await issueKey(app.url, app.adminKey, {
      role: 'supervisor',
      siteIds: ['AMS1'],
    });
    return new KpiFixture(app, scanners, supervisor, firstPallet);
  }

  async close(): Promise<void> {
    for (const scanner of this.scanners.values()) await scanner.close();
    await this.app.close();
  }

  /** A pallet flagged at `siteId` for the suspicious unit `code`; returns the flag id. */
  async flagPallet(siteId: string, code: string): Promise<string> {
    const palletSscc = withCheckDigit(`1061414100000${String(this.palletNo++).padStart(4, '0')}`);
    const event = scanEvent({ code, palletSscc });
    const scanner = this.scanners.get(siteId)!;
    await scanner.scanUntilAnswered([event]);
    const verdict = scanner.verdicts.get(event.eventId)!;
    expect(verdict.status).toBe('suspicious');
    return verdict.flagId!;
  }

  async resolve(flagId: string, action: 'release' | 'quarantine'): Promise<void> {
    await request(this.app.http)
      .post(`/api/v1/flags/${flagId}/resolve`)
      .auth(this.supervisor, bearer)
      .send({ action, note: 'checked at the dock' })
      .expect(200);
  }

  async kpis(key = this.app.adminKey, query = ''): Promise<KpisView> {
    const res = await request(this.app.http)
      .get(`/api/v1/kpis${query}`)
      .auth(key, bearer)
      .expect(200);
    return res.body as KpisView;
  }
}

import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { KpisView } from '../src/kpis/kpis.controller';
import type { KpiRow } from '../src/kpis/kpis.repository';
import { issueKey } from './support/api-keys';
import { launchBrowser, openTablet, screenshot, TabletPage, tabTo } from './support/browser';
import { scanEvent, ScanEventBody, SimulatedScanner } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const AMS_PALLET = '106141412345678908';
const BRU_PALLET = '106141412345678915';
/** No certificate exists in this test, so every inbound unit is UNKNOWN_BATCH. */
const unit = (serial: string) => `(01)09506000134352(10)NOCERT(21)${serial}`;

interface WmsMessage {
  type: string;
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  note?: string;
  resolvedBy?: string;
}

/** Waits for a condition of the test's own state (MQTT messages), not for a fixed time. */
async function until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByLabel('Supervisor API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Open flags/ }).waitFor();
  // Connected to the flag stream: what is flagged from now on has to arrive through it.
  await page.locator('#live-status[data-live="true"]').waitFor();
}

/** The browser end to end: a supervisor at a dock sees a flag arrive live and decides it. */
describe('supervisor console', () => {
  let app: TestApp;
  let browser: Browser;
  let amsScanner: SimulatedScanner;
  let bruScanner: SimulatedScanner;
  let wms: MqttClient;
  const wmsMessages: WmsMessage[] = [];
  const keys = { ams: '', bru: '' };
  const tablets: TabletPage[] = [];

  const tablet = async () => {
    const opened = await openTablet(browser);
    tablets.push(opened);
    return opened;
  };
  const flagged = async (scanner: SimulatedScanner, event: ScanEventBody): Promise<string> => {
    await scanner.scanUntilAnswered([event], { deadlineMs: 30_000 });
    const verdict = scanner.verdicts.get(event.eventId)!;
    expect(verdict).toMatchObject({ status: 'suspicious', flagId: expect.any(String) });
    return verdict.flagId!;
  };

  beforeAll(async () => {
    app = await startTestApp();
    for (const site of [
      { siteId: 'AMS1', name: 'Amsterdam', country: 'NL' },
      { siteId: 'BRU1', name: 'Brussels', country: 'BE' },
    ]) {
      await request(app.http)
        .post('/api/v1/sites')
        .auth(app.adminKey, { type: 'bearer' })
        .send(site)
        .expect(201);
    }
    keys.ams = await issueKey(app.url, app.adminKey, {
      role: 'supervisor',
      siteIds: ['AMS1'],
      label: 'AMS1 dock supervisor',
    });
    keys.bru = await issueKey(app.url, app.adminKey, {
      role: 'supervisor',
      siteIds: ['BRU1'],
      label: 'BRU1 dock supervisor',
    });
    amsScanner = await app.connectScanner('AMS1', 'D1');
    bruScanner = await app.connectScanner('BRU1', 'D4');
    wms = await connectAsync(app.mqttUrl, {
      clientId: `wms-${randomUUID()}`,
      username: 'WMS-AMS1',
      password: await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: ['AMS1'] }),
      connectTimeout: 5_000,
    });
    wms.on('message', (_topic, payload) => wmsMessages.push(JSON.parse(payload.toString())));
    await wms.subscribeAsync(`${app.prefix}sites/AMS1/wms/events`, { qos: 1 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const opened of tablets) await opened.close().catch(() => undefined);
    await browser?.close();
    await amsScanner?.close();
    await bruScanner?.close();
    await wms?.endAsync(true);
    await app?.close();
  });

  it('shows a new flag live and quarantines it with the keyboard alone', async () => {
    const { page, errors } = await tablet();
    await signIn(page, app.url, keys.ams);
    await page.getByText('No open flags').waitFor();

    const flagId = await flagged(
      amsScanner,
      scanEvent({ code: unit('SN0001'), palletSscc: AMS_PALLET }),
    );
    await flagged(amsScanner, scanEvent({ code: unit('SN0002'), palletSscc: AMS_PALLET }));
    const entry = page.getByRole('link', { name: new RegExp(`Pallet ${AMS_PALLET}`) });
    await entry.getByText('No certificate for this batch').waitFor();
    await entry.getByText(/2 units · open (just now|\d+ min)/).waitFor();
    await page.locator('#announcer').getByText(`New flag at AMS1: Pallet ${AMS_PALLET}.`).waitFor({
      state: 'attached',
    });
    await screenshot(page, 'console-queue.png');

    await tabTo(page, `a[href="#/flags/${flagId}"]`);
    await page.keyboard.press('Enter');
    await page.locator('#flag-title:focus').waitFor();
    expect(await page.locator('#flag-title').textContent()).toBe(`Pallet ${AMS_PALLET}`);
    const units = page.getByRole('table', { name: 'Flagged units and why' });
    await units.getByRole('row', { name: /serial SN0002 No certificate for this batch/ }).waitFor();
    await page.getByText('No certificate covers these units.').waitFor();
    await page.getByRole('table', { name: 'Scans of these units' }).waitFor();
    await screenshot(page, 'console-flag.png');

    await tabTo(page, '#note');
    await page.keyboard.type('Lot NOCERT has no certificate; pallet set aside in cage 3.');
    await tabTo(page, 'button.quarantine');
    await page.keyboard.press('Enter');

    await page
      .locator('#resolved:focus')
      .getByText(/^Quarantined by key_/)
      .waitFor();
    await entry.waitFor({ state: 'detached' });
    await page.getByText('No open flags').waitFor();
    await until(
      () => wmsMessages.some((m) => m.type === 'quarantine' && m.flagId === flagId),
      'the WMS quarantine message',
    );
    expect(wmsMessages.find((m) => m.type === 'quarantine')).toMatchObject({
      flagId,
      siteId: 'AMS1',
      palletSscc: AMS_PALLET,
      note: 'Lot NOCERT has no certificate; pallet set aside in cage 3.',
      resolvedBy: expect.stringMatching(/^key_/),
    });
    const stored = await request(app.http)
      .get(`/api/v1/flags/${flagId}`)
      .auth(keys.ams, { type: 'bearer' })
      .expect(200);
    expect(stored.body).toMatchObject({ status: 'quarantined' });
    expect(errors).toEqual([]);
  }, 180_000);

  it("keeps a BRU1 supervisor away from AMS1's flags, and forgets the key on sign-out", async () => {
    const amsFlag = await flagged(
      amsScanner,
      scanEvent({ code: unit('SN0003'), palletSscc: AMS_PALLET }),
    );
    const { page, errors } = await tablet();
    await signIn(page, app.url, keys.bru);
    await page.getByText('No open flags').waitFor();

    // Flagged after AMS1's: once BRU1's flag is on screen, an AMS1 one would have been too.
    await flagged(amsScanner, scanEvent({ code: unit('SN0004') }));
    const bruFlag = await flagged(
      bruScanner,
      scanEvent({ code: unit('SN0005'), palletSscc: BRU_PALLET }),
    );
    const entry = page.getByRole('link', { name: new RegExp(`Pallet ${BRU_PALLET}`) });
    await entry.waitFor();
    expect(await page.locator('#queue li').count()).toBe(1);
    expect(await page.getByText('AMS1').count()).toBe(0);

    const list = await request(app.http)
      .get('/api/v1/flags')
      .auth(keys.bru, { type: 'bearer' })
      .expect(200);
    const sites = (list.body as { items: Array<{ siteId: string }> }).items.map((f) => f.siteId);
    expect(sites).toEqual(['BRU1']);
    const other = await request(app.http)
      .get('/api/v1/flags?siteId=AMS1')
      .auth(keys.bru, { type: 'bearer' });
    if (other.status === 200) expect(other.body.items).toEqual([]);
    else expect(other.status).toBe(403);
    await request(app.http)
      .get(`/api/v1/flags/${amsFlag}`)
      .auth(keys.bru, { type: 'bearer' })
      .expect((res) => expect([403, 404]).toContain(res.status));

    // Mouse and touch path: a note is required, then the flag is released.
    await entry.click();
    await page.getByRole('button', { name: 'Release' }).click();
    expect(await page.locator('#note:invalid').count()).toBe(1);
    expect(await page.locator('#resolve-form').isVisible()).toBe(true);
    await page.getByLabel(/^Note/).fill('Checked against the paper delivery note: genuine.');
    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByText(/^Released by key_/).waitFor();
    await entry.waitFor({ state: 'detached' });
    const released = await request(app.http)
      .get(`/api/v1/flags/${bruFlag}`)
      .auth(keys.bru, { type: 'bearer' })
      .expect(200);
    expect(released.body).toMatchObject({ status: 'released' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Supervisor API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByLabel('Supervisor API key').waitFor();
    expect(await page.locator('#console-view').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);

  it("shows a supervisor its site's KPIs after decisions, live, and no other site's", async () => {
    const resolve = (key: string, flagId: string, action: 'release' | 'quarantine') =>
      request(app.http)
        .post(`/api/v1/flags/${flagId}/resolve`)
        .auth(key, { type: 'bearer' })
        .send({ action, note: 'checked at the dock' })
        .expect(200);
    const amsRelease = await flagged(amsScanner, scanEvent({ code: unit('SN0006') }));
    const amsQuarantine = await flagged(amsScanner, scanEvent({ code: unit('SN0007') }));
    const amsLater = await flagged(amsScanner, scanEvent({ code: unit('SN0008') }));
    const bruQuarantine = await flagged(bruScanner, scanEvent({ code: unit('SN0009') }));
    await resolve(keys.ams, amsRelease, 'release');
    await resolve(keys.ams, amsQuarantine, 'quarantine');
    await resolve(keys.bru, bruQuarantine, 'quarantine');

    const { page, errors } = await tablet();
    await signIn(page, app.url, keys.ams);
    await tabTo(page, '#nav-kpis');
    await page.keyboard.press('Enter');
    await page.locator('#kpi-title:focus').waitFor();
    const bySite = page.getByRole('table', { name: 'KPIs by site', exact: true });
    await bySite.waitFor();

    const api = async () =>
      (await request(app.http).get('/api/v1/kpis').auth(keys.ams, { type: 'bearer' }).expect(200))
        .body as KpisView;
    // The very formatting the console uses, on the API's figures for the same window.
    const cells = async (row: KpiRow) =>
      (await page.evaluate(
        `import('/console/view.js').then((v) => v.kpiCells(${JSON.stringify(row)}))`,
      )) as string[];
    const figures = await api();
    expect(figures.bySite.map((r) => r.siteId)).toEqual(['AMS1']);
    const [ams] = figures.bySite;
    expect(ams.released).toBeGreaterThanOrEqual(1);
    expect(ams.quarantined).toBeGreaterThanOrEqual(1);
    const row = bySite.locator('tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').allTextContents()).toEqual(['AMS1', ...(await cells(ams))]);
    expect(await row.locator('td').nth(4).textContent()).toBe(
      `${Math.round((100 * ams.quarantined) / (ams.released + ams.quarantined))}%`,
    );
    const bySupplier = page.getByRole('table', { name: 'KPIs by supplier', exact: true });
    expect(await bySupplier.locator('tbody td').first().textContent()).toBe('No certificate');
    await page.getByText(/^Flags opened in the last 30 days, since /).waitFor();
    expect(await page.locator('#kpi-view').getByText('BRU1').count()).toBe(0);
    await screenshot(page, 'console-kpis.png');

    // A decision elsewhere reaches the panel through the flag stream.
    await resolve(keys.ams, amsLater, 'release');
    await row
      .locator('td')
      .nth(2)
      .getByText(String(ams.released + 1), { exact: true })
      .waitFor();
    const after = (await api()).bySite[0];
    expect(await row.locator('td').allTextContents()).toEqual(['AMS1', ...(await cells(after))]);

    // A window of days: none opened from tomorrow on; a reversed one is named.
    const tomorrow = (await page.evaluate(
      'new Date(Date.now() + 86400000).toLocaleDateString("sv")',
    )) as string;
    await page.getByLabel('First day').fill(tomorrow);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No flags were opened in this window.').waitFor();
    await page.getByText(/^Flags opened from .+ to .+\.$/).waitFor();
    await page.getByLabel('Last day').fill('2026-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').getByText('The first day must not be after the last.').waitFor();

    // Back to the queue, and signed out: no figures are left on the page.
    await page.getByRole('link', { name: 'Open flags' }).click();
    await page.locator('#queue-title:focus').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('#kpi-body').textContent()).toBe('');
    expect(errors).toEqual([]);
  }, 180_000);

  it('serves only its own files, under a policy that allows no inline code', async () => {
    const page = await request(app.http).get('/console').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const policy = page.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    await request(app.http)
      .get('/console/view.js')
      .expect(200)
      .expect('content-type', /javascript/);
    const missing = await request(app.http).get('/console/view.d.ts').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('says so when a key is not accepted, and keeps nothing of it', async () => {
    const { page } = await tablet();
    await page.goto(`${app.url}/console`);
    await page.getByLabel('Supervisor API key').fill('dp_key_0000_not-a-real-key');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('This key is not accepted').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

import request from 'supertest';
import type { EpcisObjectEvent, EpcisQueryDocument } from '../src/epcis/epcis-event';
import { withCheckDigit } from '../src/gs1/check-digit';
import { issueKey } from './support/api-keys';
import {
  certificate,
  createSites,
  registerSupplier,
  uploadCertificate,
} from './support/certificates';
import { scanEvent, ScanEventBody, SimulatedScanner, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';
import { epcisSchemaErrors } from './epcis/epcis-schema';

const G1 = '09506000134352';
const PALLET = withCheckDigit('10614141000009990');
const bearer = { type: 'bearer' as const };
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const WINDOW = { from: at(0), to: at(3600) };

/** A scan sent, its verdict and what its event must say about the objects seen. */
interface Sent {
  event: ScanEventBody;
  dockId: string;
  verdict: VerdictBody;
  identification: Pick<EpcisObjectEvent, 'epcList' | 'quantityList'>;
}

const eventsOf = (body: unknown) =>
  (body as EpcisQueryDocument).epcisBody.queryResults.resultsBody.eventList;

/** The `rel="next"` target of a Link header, or null on the last page. */
function nextLink(res: request.Response): string | null {
  const link = res.headers.link as string | undefined;
  if (!link) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!match) throw new Error(`unexpected Link header ${link}`);
  return match[1];
}

describe('EPCIS 2.0 export', () => {
  let app: TestApp;
  let docks: Record<string, SimulatedScanner>;
  const sent: Sent[] = [];
  const keys: Record<string, string> = {};

  const exportAs = (key: string, query: Record<string, string>) =>
    request(app.http)
      .get(`/api/v1/epcis/events?${new URLSearchParams(query).toString()}`)
      .auth(key, bearer);

  const send = async (
    dockId: string,
    overrides: Partial<ScanEventBody>,
    identification: Sent['identification'] | null,
  ): Promise<VerdictBody> => {
    const event = scanEvent(overrides);
    await docks[dockId].scanUntilAnswered([event]);
    const verdict = docks[dockId].verdicts.get(event.eventId)!;
    if (identification) sent.push({ event, dockId, verdict, identification });
    return verdict;
  };

  beforeAll(async () => {
    app = await startTestApp();
    await createSites(app);
    const acme = await registerSupplier(app, 'SUP-A');
    await uploadCertificate(
      app,
      acme,
      certificate({
        supplierId: 'SUP-A',
        lot: 'LGOOD',
        serials: undefined,
        serialRanges: [{ prefix: 'G', start: 1, end: 999, width: 3 }],
      }),
    );
    docks = {
      D1: await app.connectScanner('AMS1', 'D1'),
      D2: await app.connectScanner('AMS1', 'D2'),
      BRU: await app.connectScanner('BRU1', 'D1'),
    };
    for (const [role, siteIds] of [
      ['auditor', undefined],
      ['compliance', undefined],
      ['supervisor', ['AMS1']],
      ['wms', ['AMS1']],
      ['scanner', ['AMS1']],
      ['partner', undefined],
    ] as const)
      keys[role] = await issueKey(app.url, app.adminKey, {
        role,
        ...(siteIds && { siteIds: [...siteIds] }),
      });
    keys.supplier = acme.apiKey;

    const unit = (serial: string) => `(01)${G1}(10)LGOOD(21)${serial}`;
    const sgtin = (serial: string) => ({ epcList: [`https://id.gs1.org/01/${G1}/21/${serial}`] });
    const received = await send(
      'D1',
      { code: unit('G001'), scannedAt: at(10), palletSscc: PALLET },
      sgtin('G001'),
    );
    expect(received.status).toBe('verified');
    await send('D1', { code: `(01)${G1}(10)NOPE(21)X1`, scannedAt: at(20) }, sgtin('X1'));
    await send(
      'D2',
      { code: `(00)${PALLET}`, scannedAt: at(30) },
      {
        epcList: [`https://id.gs1.org/00/${PALLET}`],
      },
    );
    await send(
      'D2',
      { code: `(01)${G1}(10)LGOOD`, scannedAt: at(40) },
      {
        quantityList: [{ epcClass: `https://id.gs1.org/01/${G1}/10/LGOOD`, quantity: 1 }],
      },
    );
    const shipped = await send(
      'D2',
      { code: unit('G001'), scannedAt: at(50), direction: 'outbound' },
      sgtin('G001'),
    );
    expect(shipped.status).toBe('verified');
    // Two scans at one instant (ordered by eventId), a non-UUID eventId, microseconds apart.
    await send('D1', { code: unit('G002'), scannedAt: at(60) }, sgtin('G002'));
    await send('D1', { code: unit('G003'), scannedAt: at(60) }, sgtin('G003'));
    await send(
      'D1',
      { code: unit('G004'), scannedAt: '2026-11-20T10:01:10.123456Z', eventId: 'dock1-000004' },
      sgtin('G004'),
    );
    await send(
      'D1',
      { code: unit('G005'), scannedAt: '2026-11-20T10:01:10.123457Z' },
      sgtin('G005'),
    );
    // Not in the export: an unreadable code, another site's scan, a scan outside the window.
    expect(await send('D1', { code: 'no barcode here', scannedAt: at(80) }, null)).toMatchObject({
      reasons: [{ code: 'INVALID_BARCODE' }],
    });
    await send('BRU', { code: unit('G006'), scannedAt: at(90) }, null);
    await send('D1', { code: unit('G007'), scannedAt: at(-60) }, null);
  });

  afterAll(async () => {
    for (const dock of Object.values(docks ?? {})) await dock.close();
    await app?.close();
  });

  /** The events the export must give, in its order: eventTime, then eventId byte-wise. */
  const expected = () =>
    [...sent]
      .sort(
        (a, b) =>
          a.event.scannedAt.localeCompare(b.event.scannedAt) ||
          (a.event.eventId < b.event.eventId ? -1 : 1),
      )
      .map(({ event, dockId, verdict, identification }) => ({
        type: 'ObjectEvent',
        eventTime: event.scannedAt,
        eventTimeZoneOffset: '+00:00',
        recordTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        eventID: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(
          event.eventId,
        )
          ? `urn:uuid:${event.eventId}`
          : expect.stringMatching(/^ni:\/\/\/sha-256;[A-Za-z0-9_-]{43}$/),
        ...identification,
        action: 'OBSERVE',
        bizStep: event.direction === 'inbound' ? 'receiving' : 'shipping',
        disposition:
          verdict.status === 'suspicious'
            ? 'non_conformant'
            : event.direction === 'inbound'
              ? 'in_progress'
              : 'in_transit',
        readPoint: { id: `urn:dockproof:site:AMS1:dock:${dockId}` },
        bizLocation: { id: 'urn:dockproof:site:AMS1' },
      }));

  it("gives the site's scans in the window as a valid EPCIS 2.0 query document", async () => {
    const res = await exportAs(app.adminKey, { siteId: 'AMS1', ...WINDOW }).expect(200);
    expect(res.headers['gs1-epcis-version']).toBe('2.0.0');
    expect(res.headers.link).toBeUndefined();
    const body = res.body as EpcisQueryDocument;
    expect(epcisSchemaErrors(body)).toEqual([]);
    expect(body).toMatchObject({
      '@context': 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: expect.any(String),
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery' } },
    });
    expect(eventsOf(body)).toEqual(expected());
    const suspicious = sent.filter((s) => s.verdict.status === 'suspicious').length;
    expect(suspicious).toBeGreaterThanOrEqual(2);
  });

  it('gives the whole history without a window, and takes from inclusive, to exclusive', async () => {
    const all = eventsOf(
      (await exportAs(app.adminKey, { siteId: 'AMS1', perPage: '1000' }).expect(200)).body,
    );
    expect(all).toHaveLength(sent.length + 1);
    expect(all[0]).toMatchObject({ eventTime: at(-60) });

    const window = eventsOf(
      (await exportAs(app.adminKey, { siteId: 'AMS1', from: at(20), to: at(50) }).expect(200)).body,
    );
    expect(window.map((e) => e.eventTime)).toEqual([at(20), at(30), at(40)]);
  });

  it('walks every event exactly once, in order, a small page at a time', async () => {
    const whole = eventsOf(
      (await exportAs(app.adminKey, { siteId: 'AMS1', ...WINDOW }).expect(200)).body,
    );
    const walked: EpcisObjectEvent[] = [];
    let res = await exportAs(app.adminKey, { siteId: 'AMS1', ...WINDOW, perPage: '2' }).expect(200);
    let pages = 1;
    for (;;) {
      expect(epcisSchemaErrors(res.body)).toEqual([]);
      const events = eventsOf(res.body);
      expect(events.length).toBeLessThanOrEqual(2);
      walked.push(...events);
      const next = nextLink(res);
      if (!next) break;
      expect(next).toMatch(
        /^\/api\/v1\/epcis\/events\?siteId=AMS1&from=.*&perPage=2&nextPageToken=/,
      );
      res = await request(app.http).get(next).auth(app.adminKey, bearer).expect(200);
      pages++;
    }
    expect(walked).toEqual(whole);
    expect(new Set(walked.map((e) => e.eventID)).size).toBe(sent.length);
    expect(pages).toBe(Math.ceil(sent.length / 2));
  });

  it('refuses a tampered or foreign page token with a 400 naming it', async () => {
    const first = await exportAs(app.adminKey, { siteId: 'AMS1', ...WINDOW, perPage: '1' });
    const token = new URL(nextLink(first)!, app.url).searchParams.get('nextPageToken')!;
    const [scannedAt, eventId] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [
      string,
      string,
    ];
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const tampered of [
      `${token.slice(0, 5)}!${token.slice(6)}`,
      token.slice(0, -4),
      reencode([scannedAt.replace('2026-11', '2026-13'), eventId]),
      reencode([scannedAt, `${eventId} `]),
      reencode({ scannedAt, eventId }),
      'abc',
    ]) {
      const res = await exportAs(app.adminKey, { siteId: 'AMS1', nextPageToken: tampered });
      expect({ tampered, status: res.status }).toEqual({ tampered, status: 400 });
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        details: [{ field: 'nextPageToken', message: expect.stringMatching(/nextPageToken/) }],
      });
    }
  });

  it.each([
    [{ siteId: 'AMS1', perPage: '0' }, 'perPage'],
    [{ siteId: 'AMS1', from: 'yesterday' }, 'from'],
    [{ siteId: 'AMS1', from: at(10), to: at(0) }, 'to'],
    [{}, 'siteId'],
  ])('answers %j with a 400 naming %s', async (query, field) => {
    const res = await exportAs(app.adminKey, query as Record<string, string>).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
  });

  it.each([
    ['admin', 'AMS1', 200],
    ['auditor', 'AMS1', 200],
    ['auditor', 'BRU1', 200],
    ['compliance', 'BRU1', 200],
    ['supervisor', 'AMS1', 200],
    ['supervisor', 'BRU1', 403],
    ['supervisor', 'NOWHERE', 403],
    ['wms', 'AMS1', 200],
    ['wms', 'BRU1', 403],
    ['scanner', 'AMS1', 403],
    ['supplier', 'AMS1', 403],
    ['partner', 'AMS1', 403],
    ['admin', 'NOWHERE', 404],
    ['auditor', 'NOWHERE', 404],
  ])('as %s, site %s: %s', async (role, siteId, status) => {
    const key = role === 'admin' ? app.adminKey : keys[role];
    const res = await exportAs(key, { siteId, ...WINDOW }).expect(status);
    if (status !== 200) {
      expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String) });
      return;
    }
    const events = eventsOf(res.body);
    if (siteId === 'AMS1') expect(events).toHaveLength(sent.length);
    else
      expect(events).toEqual([
        expect.objectContaining({ bizLocation: { id: 'urn:dockproof:site:BRU1' } }),
      ]);
  });

  it('answers 401 without a key', async () => {
    await request(app.http).get('/api/v1/epcis/events?siteId=AMS1').expect(401);
  });
});

import request from 'supertest';
import { scanEvent, SimulatedScanner, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

describe('scans over MQTT', () => {
  let app: TestApp;
  let scanner: SimulatedScanner;
  let scannerKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    scannerKey = await app.scannerKey();
    scanner = await SimulatedScanner.connect(app.mqttUrl, app.prefix, 'AMS1', 'D1', scannerKey);
  });

  afterAll(async () => {
    await scanner?.close();
    await app?.close();
  });

  it('answers a published scan with its verdict on the dock verdicts topic', async () => {
    const event = scanEvent({ palletSscc: '106141412345678908' });
    const count = scanner.messages.length;
    await scanner.publishRaw(JSON.stringify(event));
    const verdict = (await scanner.nextMessage(count)) as VerdictBody;
    expect(verdict).toMatchObject({
      eventId: event.eventId,
      status: 'suspicious',
      reasons: [{ code: 'UNKNOWN_BATCH' }],
      item: { gtin: '09506000134352', lot: 'ABC123', serial: 'SN0001' },
      flagId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(new Date(verdict.verifiedAt).getTime()).not.toBeNaN();
    const rows = await app.db.query(
      'SELECT site_id, dock_id, status, pallet_sscc FROM scans WHERE event_id = $1',
      [event.eventId],
    );
    expect(rows).toEqual([
      { site_id: 'AMS1', dock_id: 'D1', status: 'suspicious', pallet_sscc: '106141412345678908' },
    ]);
  });

  it('answers an array of scans with an array of verdicts in the same order', async () => {
    const events = [
      scanEvent({ code: '(00)106141412345678908' }),
      scanEvent({ code: '(01)09506000134353(10)ABC123' }),
      scanEvent({ code: 'https://id.gs1.org/01/09506000134352/10/LOT9/21/SN0002?17=281231' }),
    ];
    const count = scanner.messages.length;
    await scanner.publishRaw(JSON.stringify(events));
    const verdicts = (await scanner.nextMessage(count)) as VerdictBody[];
    expect(verdicts.map((v) => v.eventId)).toEqual(events.map((e) => e.eventId));
    expect(verdicts.map((v) => v.status)).toEqual(['suspicious', 'suspicious', 'suspicious']);
    expect(verdicts[0]).toMatchObject({
      item: { sscc: '106141412345678908' },
      reasons: [{ code: 'UNEXPECTED_PALLET' }],
    });
    expect(verdicts[1].reasons[0].code).toBe('INVALID_BARCODE');
    expect(verdicts[2]).toMatchObject({
      reasons: [{ code: 'UNKNOWN_BATCH' }],
      item: { gtin: '09506000134352', lot: 'LOT9', serial: 'SN0002', expiry: '2028-12-31' },
    });
  });

  it('stores a re-sent eventId once and answers it with its first verdict', async () => {
    const event = scanEvent();
    const count = scanner.messages.length;
    await scanner.publishRaw(JSON.stringify(event));
    const first = await scanner.nextMessage(count);
    await scanner.publishRaw(JSON.stringify({ ...event, code: '(01)09506000134353' }));
    const second = await scanner.nextMessage(count + 1);
    expect(second).toEqual(first);
    const rows = await app.db.query('SELECT count(*)::int AS n FROM scans WHERE event_id = $1', [
      event.eventId,
    ]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('gives the same verdict to a scan re-sent over HTTP', async () => {
    const event = scanEvent();
    await scanner.scanUntilAnswered([event]);
    const res = await request(app.http)
      .post('/api/v1/sites/AMS1/docks/D1/scans')
      .auth(scannerKey, { type: 'bearer' })
      .send(event)
      .expect(200);
    expect(res.body).toEqual(scanner.verdicts.get(event.eventId));
  });

  it('reports database and broker readiness on /health', async () => {
    const res = await request(app.http).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { ready: true },
      broker: { ready: true },
    });
  });
});

import request from 'supertest';
import { scanEvent, SimulatedScanner, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

interface RejectedRow {
  source: string;
  event_id: string | null;
  reason: string;
  payload_bytes: number;
  kept_bytes: number;
}

const TEN_MB = Buffer.alloc(10 * 1024 * 1024, 'x');

const badPayloads: Array<[string, string | Buffer, RegExp]> = [
  ['not JSON', '{"eventId": "a",', /not valid JSON/],
  ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
  [
    'wrong types',
    JSON.stringify({ ...scanEvent({ eventId: 'wrong-types' }), direction: 42, scannedAt: true }),
    /scannedAt: .*; direction: /,
  ],
  [
    'a missing field',
    JSON.stringify({ ...scanEvent({ eventId: 'missing-code' }), code: undefined }),
    /code: is required/,
  ],
  ['a JSON number', '42', /expected object/],
  [
    'an array of 501 events',
    JSON.stringify(Array.from({ length: 501 }, () => scanEvent())),
    /501 events, over the limit of 500/,
  ],
  ['a 10 MB payload', TEN_MB, /10485760 bytes, over the limit/],
];

describe('bad input', () => {
  let app: TestApp;
  let scanner: SimulatedScanner;
  let scannerKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    scannerKey = await app.scannerKey();
    scanner = await SimulatedScanner.connect(app.mqttUrl, app.prefix, 'AMS1', 'D9', scannerKey);
  });

  afterAll(async () => {
    await scanner?.close();
    await app?.close();
  });

  const rejectedRows = (source: string) =>
    app.db.query<RejectedRow>(
      `SELECT source, event_id, reason, payload_bytes, length(payload) AS kept_bytes
         FROM rejected_messages WHERE source = $1 ORDER BY id DESC LIMIT 1`,
      [source],
    );

  describe.each(badPayloads)('%s', (_name, payload, reason) => {
    it('over MQTT: answered with a rejected verdict, kept with its reason, service still answering', async () => {
      const count = scanner.messages.length;
      await scanner.publishRaw(payload);
      const verdict = (await scanner.nextMessage(count)) as VerdictBody;
      expect(verdict).toMatchObject({ status: 'rejected', reasons: [{ code: 'INVALID_PAYLOAD' }] });
      expect(verdict.reasons[0].message).toMatch(reason);
      const [row] = await rejectedRows('mqtt');
      expect(row.reason).toMatch(reason);
      expect(row.payload_bytes).toBe(Buffer.byteLength(payload));
      expect(row.kept_bytes).toBeLessThanOrEqual(64 * 1024);
      expect(row.kept_bytes).toBeGreaterThan(0);

      const good = scanEvent();
      await scanner.scanUntilAnswered([good]);
      expect(scanner.verdicts.get(good.eventId)?.status).toBe('suspicious');
    });

    it('over HTTP: a clear 4xx error, kept with its reason, service still answering', async () => {
      const res = await request(app.http)
        .post('/api/v1/sites/AMS1/docks/D9/scans')
        .auth(scannerKey, { type: 'bearer' })
        .set(
          'content-type',
          Buffer.isBuffer(payload) ? 'application/octet-stream' : 'application/json',
        )
        .send(payload);
      expect([400, 413]).toContain(res.status);
      expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String) });
      expect(res.body.message).toMatch(reason);
      expect(res.body.details.verdict).toMatchObject({
        status: 'rejected',
        reasons: [{ code: 'INVALID_PAYLOAD' }],
      });
      const [row] = await rejectedRows('http');
      expect(row.reason).toMatch(reason);
      expect(row.payload_bytes).toBe(Buffer.byteLength(payload));

      await request(app.http).get('/health').expect(200);
    });
  });

  it('keeps the eventId of a rejected event when it could be read', async () => {
    const [row] = await app.db.query<RejectedRow>(
      `SELECT event_id FROM rejected_messages WHERE event_id = 'missing-code' LIMIT 1`,
    );
    expect(row.event_id).toBe('missing-code');
  });

  it('verdicts the good events of an array and rejects only the bad ones, naming the field', async () => {
    const good = scanEvent();
    const res = await request(app.http)
      .post('/api/v1/sites/AMS1/docks/D9/scans')
      .auth(scannerKey, { type: 'bearer' })
      .send([good, { eventId: 'half', scannerId: 'bad id!' }])
      .expect(200);
    expect(res.body.map((v: VerdictBody) => v.status)).toEqual(['suspicious', 'rejected']);
    expect(res.body[1].eventId).toBe('half');
    expect(res.body[1].reasons[0].message).toMatch(/\[1\]\.scannerId: must be 1-64 characters/);
    expect(res.body[1].reasons[0].message).toMatch(/\[1\]\.code: is required/);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeScanSessions } from '../src/broker/persistent-sessions';
import { issueKey } from './support/api-keys';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { serviceEnv, ServiceProcess } from './support/service-process';
import { createTestDatabase, TestDatabase } from './support/test-database';

interface LogLine {
  level: string;
  time: string;
  msg: string;
  context?: string;
  requestId?: string;
  messageId?: string;
  topic?: string;
  eventId?: string;
  req?: { method: string; url: string; headers: Record<string, string> };
  res?: { statusCode: number };
  responseTime?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The service as it runs in production: its whole output, as an operator's log shipper sees it. */
describe('structured logs', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let service: ServiceProcess;
  let baseUrl: string;
  let adminKey: string;

  const lines = (): LogLine[] =>
    service.log
      .split('\n')
      // The last is the line being written, or empty.
      .slice(0, -1)
      .map((line) => JSON.parse(line) as LogLine);

  /** The first line `match` accepts, once the service has written it. */
  async function lineWhere(match: (line: LogLine) => boolean): Promise<LogLine> {
    for (;;) {
      const found = lines().find(match);
      if (found) return found;
      if (!service.running) throw new Error(`service exited:\n${service.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'dockproof-logging-'));
    env = {
      ...(await serviceEnv({
        label: 'logs',
        databaseUrl: db.url,
        dataDir,
        subscriberConnections: 2,
      })),
      LOG_LEVEL: 'log',
      // Unset: the first start generates the bootstrap admin key and prints it.
      DOCKPROOF_ADMIN_KEY: '',
    };
    service = new ServiceProcess(env).start();
    await service.waitHealthy(Number(env.PORT));
    baseUrl = `http://127.0.0.1:${env.PORT}`;
    adminKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  });

  afterAll(async () => {
    if (service) expect(await service.stop()).toEqual({ code: 0, log: '' });
    if (process.env.MQTT_URL && env)
      await purgeScanSessions(process.env.MQTT_URL, env.DOCKPROOF_INSTANCE_ID, 2);
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the generated admin key once, in a JSON line', async () => {
    const line = await lineWhere((l) => l.msg.includes(adminKey));
    expect(line).toMatchObject({ level: 'warn', context: 'ApiKeysService' });
  });

  it("keeps the caller's X-Request-Id: echoed, in the request's log line and in the error body", async () => {
    const res = await fetch(`${baseUrl}/api/v1/suppliers/NO-SUCH-SUPPLIER`, {
      headers: { 'x-request-id': 'abc-123', authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(await res.json()).toMatchObject({ statusCode: 404, requestId: 'abc-123' });
    const line = await lineWhere((l) => l.requestId === 'abc-123' && l.res !== undefined);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      req: { method: 'GET', url: '/api/v1/suppliers/NO-SUCH-SUPPLIER' },
      res: { statusCode: 404 },
      responseTime: expect.any(Number),
    });
  });

  it.each([
    ['none', undefined],
    ['one with spaces', 'not a token'],
    ['one too long', 'x'.repeat(129)],
  ])('gives a request with %s a new UUID', async (_, offered) => {
    const res = await fetch(`${baseUrl}/api/v1/suppliers/NO-SUCH-SUPPLIER`, {
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(offered !== undefined && { 'x-request-id': offered }),
      },
    });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect(await res.json()).toMatchObject({ requestId });
    await expect(lineWhere((l) => l.requestId === requestId)).resolves.toMatchObject({
      res: { statusCode: 404 },
    });
  });

  it('never writes an Authorization header or an API key', async () => {
    const scannerKey = await issueKey(baseUrl, adminKey, { role: 'scanner', siteIds: ['AMS1'] });
    const res = await fetch(`${baseUrl}/api/v1/webhooks`, {
      headers: { 'x-request-id': 'with-a-scanner-key', authorization: `Bearer ${scannerKey}` },
    });
    expect(res.status).toBe(403);
    const line = await lineWhere((l) => l.requestId === 'with-a-scanner-key');
    expect(line.req?.headers.authorization).toBe('[Redacted]');
    expect(service.log).not.toContain(scannerKey);
  });

  it('names the messageId, topic and eventId of a rejected MQTT scan', async () => {
    const scannerKey = await issueKey(baseUrl, adminKey, { role: 'scanner', siteIds: ['AMS1'] });
    const mqttUrl = process.env.MQTT_URL ?? `mqtt://127.0.0.1:${env.MQTT_PORT}`;
    const scanner = await SimulatedScanner.connect(
      mqttUrl,
      env.MQTT_TOPIC_PREFIX,
      'AMS1',
      'D1',
      scannerKey,
    );
    try {
      await scanner.publishRaw('{"eventId": "not json');
      const unreadable = await lineWhere((l) => l.msg.startsWith('scan rejected'));
      expect(unreadable).toMatchObject({
        level: 'info',
        context: 'ScansMqttHandler',
        topic: scanner.scansTopic,
        messageId: expect.stringMatching(UUID),
      });

      const eventId = randomUUID();
      await scanner.publishRaw(JSON.stringify({ ...scanEvent({ eventId }), scannedAt: 'soon' }));
      const invalid = await lineWhere((l) => l.msg.startsWith('scan rejected') && !!l.eventId);
      expect(invalid).toMatchObject({
        eventId,
        topic: scanner.scansTopic,
        messageId: expect.stringMatching(UUID),
      });
      expect(invalid.messageId).not.toBe(unreadable.messageId);
    } finally {
      await scanner.close();
    }
  });

  it('writes nothing but JSON lines with level, time and msg', () => {
    for (const line of lines())
      expect(line).toMatchObject({
        level: expect.any(String),
        time: expect.any(String),
        msg: expect.any(String),
      });
  });
});

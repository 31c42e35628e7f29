import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { issueKey } from './support/api-keys';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

/** Against the embedded broker, which authenticates by API key and checks every topic. */
describe('MQTT access on the embedded broker', () => {
  let app: TestApp;
  let amsScanner: string;
  const clients: MqttClient[] = [];

  const connect = async (password: string) => {
    const client = await connectAsync(app.mqttUrl, {
      clientId: `c-${randomUUID()}`,
      username: 'device-1',
      password,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp({ MQTT_URL: '' });
    amsScanner = await app.scannerKey(['AMS1']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await app?.close();
  });

  it('refuses a connection with a wrong or revoked key', async () => {
    await expect(connect('not-a-key')).rejects.toThrow(/Bad username or password/i);
  });

  it("lets a scanner publish its site's scans and read their verdicts", async () => {
    const scanner = await SimulatedScanner.connect(
      app.mqttUrl,
      app.prefix,
      'AMS1',
      'D1',
      amsScanner,
    );
    const event = scanEvent();
    await scanner.scanUntilAnswered([event]);
    expect(scanner.verdicts.get(event.eventId)?.status).toBe('suspicious');
    await scanner.close();
  });

  it("refuses a scanner's publish to another site, storing nothing", async () => {
    const client = await connect(amsScanner);
    const event = scanEvent();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`${app.prefix}sites/RTM2/docks/D1/scans`, JSON.stringify(event), { qos: 1 });
    await closed;
    const rows = await app.db.query('SELECT 1 FROM scans WHERE event_id = $1', [event.eventId]);
    expect(rows).toEqual([]);
  });

  it.each([
    ['another site’s verdicts', 'sites/RTM2/docks/D1/verdicts'],
    ['every site’s verdicts', 'sites/+/docks/+/verdicts'],
    ['its site’s WMS events', 'sites/AMS1/wms/events'],
  ])('refuses a scanner subscription to %s', async (_name, topic) => {
    const client = await connect(amsScanner);
    await expect(client.subscribeAsync(`${app.prefix}${topic}`, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
  });

  it("lets a WMS key read only its sites' WMS events", async () => {
    const wms = await connect(
      await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: ['AMS1'] }),
    );
    const [own] = await wms.subscribeAsync(`${app.prefix}sites/AMS1/wms/events`, { qos: 1 });
    expect(own.qos).toBe(1);
    for (const topic of ['sites/RTM2/wms/events', 'sites/AMS1/docks/D1/verdicts']) {
      await expect(wms.subscribeAsync(`${app.prefix}${topic}`, { qos: 1 })).rejects.toThrow(
        /Subscribe error/,
      );
    }
  });

  it('drops a revoked key at its next connection', async () => {
    const key = await app.scannerKey(['AMS1']);
    await connect(key);
    const keyId = /^dp_(key_[0-9a-f]+)_/.exec(key)![1];
    const res = await fetch(`${app.url}/api/v1/api-keys/${keyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${app.adminKey}` },
    });
    expect(res.status).toBe(200);
    await expect(connect(key)).rejects.toThrow(/Bad username or password/i);
  });
});

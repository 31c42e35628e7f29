import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server } from 'node:net';
import { findFreePort } from '../src/database/free-port';
import { issueKey } from './support/api-keys';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { ServiceProcess } from './support/service-process';

/** `npm start` on a machine with no settings: embedded PostgreSQL and embedded broker. */
describe('embedded services', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dockproof-embedded-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('boots with neither DATABASE_URL nor MQTT_URL, verdicts a scan, stops on SIGTERM and keeps its data', async () => {
    const port = await findFreePort();
    // MQTT_PORT unset with 1883 taken (by the machine's Mosquitto, or here by us): a free port instead.
    const blocker = await occupy(1883);
    const env = {
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      MQTT_URL: '',
      MQTT_PORT: '',
    };
    const event = scanEvent();

    const first = new ServiceProcess(env).start();
    await first.waitHealthy(port, 120_000);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      broker: { mode: string; port: number };
    };
    expect(health.broker.mode).toBe('embedded');
    expect(health.broker.port).not.toBe(1883);
    const mqttPort = health.broker.port;
    // The first start generated the bootstrap admin key, kept private in DATA_DIR and printed once.
    const adminKeyFile = join(dataDir, 'admin-key');
    expect(statSync(adminKeyFile).mode & 0o777).toBe(0o600);
    const adminKey = readFileSync(adminKeyFile, 'utf8').trim();
    expect(first.log).toContain(adminKey);
    const scannerKey = await issueKey(`http://127.0.0.1:${port}`, adminKey, {
      role: 'scanner',
      siteIds: ['AMS1'],
    });
    const scanner = await SimulatedScanner.connect(
      `mqtt://127.0.0.1:${mqttPort}`,
      '',
      'AMS1',
      'D1',
      scannerKey,
    );
    await scanner.scanUntilAnswered([event]);
    await scanner.close();
    const firstVerdict = scanner.verdicts.get(event.eventId);
    expect(firstVerdict).toMatchObject({
      status: 'suspicious',
      reasons: [{ code: 'UNKNOWN_BATCH' }],
    });
    expect(await first.stop()).toEqual({ code: 0, log: '' });
    blocker?.close();

    const second = new ServiceProcess(env).start();
    try {
      await second.waitHealthy(port, 120_000);
      expect(second.log).not.toContain(adminKey);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites/AMS1/docks/D1/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${scannerKey}` },
        body: JSON.stringify(event),
      });
      expect(await res.json()).toEqual(firstVerdict);
    } finally {
      expect(await second.stop()).toEqual({ code: 0, log: '' });
    }
  });

  it.each([
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://db/dockproof'],
    ['MQTT_PORT', '99999'],
  ])('refuses to start with %s=%s, naming the setting', (name, value) => {
    const env: NodeJS.ProcessEnv = { ...process.env, [name]: value };
    const result = spawnSync(process.execPath, [join(__dirname, '../dist/src/main.js')], {
      env,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Invalid setting ${name}=`)),
    ]);
  });
});

/** Listens on the port unless something already does; returns the server to close, if any. */
function occupy(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

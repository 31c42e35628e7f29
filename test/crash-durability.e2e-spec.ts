import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeScanSessions } from '../src/broker/persistent-sessions';
import { issueKey } from './support/api-keys';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { serviceEnv, ServiceProcess } from './support/service-process';
import { createTestDatabase, TestDatabase } from './support/test-database';

const SCANS = 2_000;

describe('crash durability', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'dockproof-crash-'));
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL mid-stream, restart: every eventId stored exactly once, each with a verdict', async () => {
    const env = await serviceEnv({
      label: 'crash',
      databaseUrl: db.url,
      dataDir,
      subscriberConnections: 8,
    });
    const port = Number(env.PORT);
    const mqttPort = Number(env.MQTT_PORT);
    const prefix = env.MQTT_TOPIC_PREFIX;
    const service = new ServiceProcess(env).start();
    await service.waitHealthy(port);
    const mqttUrl = process.env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`;
    const scannerKey = await issueKey(`http://127.0.0.1:${port}`, env.DOCKPROOF_ADMIN_KEY, {
      role: 'scanner',
      siteIds: ['AMS1'],
    });
    const scanner = await SimulatedScanner.connect(mqttUrl, prefix, 'AMS1', 'D1', scannerKey);
    try {
      const events = Array.from({ length: SCANS }, (_, i) =>
        scanEvent({ code: `(01)09506000134352(10)LOT${i % 7}(21)SN${i}` }),
      );
      const answered = scanner.scanUntilAnswered(events, { deadlineMs: 100_000 });
      while (scanner.verdicts.size < SCANS / 4) await new Promise((r) => setTimeout(r, 5));
      await service.kill('SIGKILL');
      const verdictsBeforeCrash = scanner.verdicts.size;
      expect(verdictsBeforeCrash).toBeLessThan(SCANS);

      const restarted = new ServiceProcess(env).start();
      try {
        await restarted.waitHealthy(port);
        await answered;
      } finally {
        await restarted.kill('SIGTERM');
        if (process.env.MQTT_URL)
          await purgeScanSessions(process.env.MQTT_URL, env.DOCKPROOF_INSTANCE_ID, 8);
      }

      const [stored] = await db.query<{
        rows: number;
        distinct_events: number;
        with_verdict: number;
      }>(
        `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct_events,
                count(*) FILTER (WHERE verdict->>'eventId' = event_id)::int AS with_verdict
           FROM scans`,
      );
      expect(stored).toEqual({ rows: SCANS, distinct_events: SCANS, with_verdict: SCANS });
      const storedIds = await db.query<{ event_id: string }>('SELECT event_id FROM scans');
      expect(new Set(storedIds.map((r) => r.event_id))).toEqual(
        new Set(events.map((e) => e.eventId)),
      );
      for (const event of events) {
        expect(scanner.verdicts.get(event.eventId)?.status).toBe('suspicious');
      }
    } finally {
      await scanner.close();
    }
  });
});

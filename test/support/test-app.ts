import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSettings, Settings } from '../../src/config/settings';
import { findFreePort } from '../../src/database/free-port';
import { RunningDockProof, startDockProof } from '../../src/dockproof';
import { MessageBus } from '../../src/broker/message-bus';
import { purgeScanSessions } from '../../src/broker/persistent-sessions';
import { issueKey, testAdminKey } from './api-keys';
import { SimulatedScanner } from './scanner';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  dockproof: RunningDockProof;
  http: Server;
  db: TestDatabase;
  /** Where simulated scanners connect: the machine's broker (MQTT_URL) or this app's embedded one. */
  mqttUrl: string;
  prefix: string;
  settings: Settings;
  /** http://127.0.0.1:<port> of this app. */
  url: string;
  adminKey: string;
  /** A scanner key for the given sites. */
  scannerKey(siteIds?: string[]): Promise<string>;
  /** A simulated scanner at a dock, with a scanner key for its site. */
  connectScanner(siteId: string, dockId: string): Promise<SimulatedScanner>;
  close(): Promise<void>;
}

export function uniqueId(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Test-run settings: own database, data folder, topic prefix, share group and instance id. */
export async function testSettings(
  db: TestDatabase,
  overrides: Record<string, string> = {},
): Promise<Settings> {
  const embeddedBroker = !process.env.MQTT_URL;
  return loadSettings({
    PORT: '0',
    DATABASE_URL: db.url,
    MQTT_URL: process.env.MQTT_URL ?? '',
    MQTT_PORT: embeddedBroker ? String(await findFreePort()) : '',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'dockproof-test-')),
    DOCKPROOF_INSTANCE_ID: uniqueId('test'),
    MQTT_TOPIC_PREFIX: `${uniqueId('t')}/`,
    MQTT_SHARE_GROUP: uniqueId('g'),
    MQTT_SUBSCRIBER_CONNECTIONS: '4',
    LOG_LEVEL: 'warn',
    DOCKPROOF_ADMIN_KEY: testAdminKey(),
    ...overrides,
  });
}

/** `sharedDb`: run against another app's database (a second instance); it is not dropped here. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  sharedDb?: TestDatabase,
): Promise<TestApp> {
  const db = sharedDb ?? (await createTestDatabase());
  const settings = await testSettings(db, overrides);
  const dockproof = await startDockProof(settings);
  const bus = dockproof.app.get(MessageBus);
  const mqttUrl = settings.MQTT_URL ?? `mqtt://127.0.0.1:${String(bus.status().detail.port)}`;
  const http = dockproof.app.getHttpServer() as Server;
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const adminKey = settings.DOCKPROOF_ADMIN_KEY!;
  const scannerKey = (siteIds = ['AMS1']) => issueKey(url, adminKey, { role: 'scanner', siteIds });
  return {
    url,
    adminKey,
    scannerKey,
    connectScanner: async (siteId, dockId) =>
      SimulatedScanner.connect(
        mqttUrl,
        settings.MQTT_TOPIC_PREFIX,
        siteId,
        dockId,
        await scannerKey([siteId]),
      ),
    dockproof,
    http,
    db,
    mqttUrl,
    prefix: settings.MQTT_TOPIC_PREFIX,
    settings,
    close: async () => {
      await dockproof.close();
      // The machine's broker would keep this instance's persistent sessions for ever.
      if (settings.MQTT_URL)
        await purgeScanSessions(
          settings.MQTT_URL,
          settings.DOCKPROOF_INSTANCE_ID!,
          settings.MQTT_SUBSCRIBER_CONNECTIONS,
        );
      if (!sharedDb) await db.drop();
      rmSync(settings.DATA_DIR, { recursive: true, force: true });
    },
  };
}

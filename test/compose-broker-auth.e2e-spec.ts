import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { writeMosquittoAuth } from '../src/cli/mosquitto-auth';
import { findFreePort } from '../src/database/free-port';
import { issueKey, testAdminKey } from './support/api-keys';
import { portAccepts } from './support/port-accepts';
import { startTestApp, TestApp } from './support/test-app';

/**
 * docker-compose.yml's broker, without Docker: Mosquitto on deploy/mosquitto/mosquitto.compose.conf
 * (only its listener, its folders and its user moved here) starts with empty password and ACL
 * files, DockProof starts against it as the bootstrap admin, and the files are then written from
 * the keys and reloaded with SIGHUP, as the mosquitto-auth service and run-mosquitto.sh do.
 */
const COMPOSE_CONF = join(__dirname, '../deploy/mosquitto/mosquitto.compose.conf');

function localConf(dir: string, port: number): string {
  const lines = readFileSync(COMPOSE_CONF, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(listener|persistence_location)\b/.test(line))
    .map((line) => line.replace('/mosquitto/auth/', `${dir}/`));
  return [
    `listener ${port} 127.0.0.1`,
    ...lines,
    `persistence_location ${dir}/`,
    // Run as root, Mosquitto would drop to the mosquitto user, who cannot read the folder.
    `user ${userInfo().username}`,
    '',
  ].join('\n');
}

async function health(app: TestApp): Promise<{ code: number; broker: { ready: boolean } }> {
  const res = await fetch(`${app.url}/health`);
  return {
    code: res.status,
    broker: ((await res.json()) as { broker: { ready: boolean } }).broker,
  };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the compose broker: API keys only, files written after DockProof starts', () => {
  let dir: string;
  let port: number;
  let mosquitto: ChildProcess;
  let mosquittoLog = '';
  let app: TestApp;
  const clients: MqttClient[] = [];

  /** What the mosquitto-auth service and run-mosquitto.sh do each time the keys change. */
  const writeAndReload = async () => {
    await writeMosquittoAuth(dir, app.db.url, app.prefix);
    mosquitto.kill('SIGHUP');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockproof-compose-broker-'));
    writeFileSync(join(dir, 'passwords'), '', { mode: 0o600 });
    writeFileSync(join(dir, 'acl'), '');
    port = await findFreePort();
    writeFileSync(join(dir, 'mosquitto.conf'), localConf(dir, port));
    mosquitto = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => (mosquittoLog += chunk.toString());
    mosquitto.stdout!.on('data', collect);
    mosquitto.stderr!.on('data', collect);
    await eventually(async () => {
      if (mosquitto.exitCode !== null) throw new Error(`mosquitto exited:\n${mosquittoLog}`);
      return portAccepts(port);
    });
    const adminKey = testAdminKey();
    // As docker-compose.yml sets it: the admin key is DockProof's broker password.
    app = await startTestApp({
      DOCKPROOF_ADMIN_KEY: adminKey,
      MQTT_URL: `mqtt://bootstrap-admin:${adminKey}@127.0.0.1:${port}`,
      // Each refused connection is a warning, expected here until the files are written.
      LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    // Closed before its broker connections are ever ready, the app would keep polling for them
    // (MqttMessageBus.whenReady) and Jest would not exit: admit it first if a test failed early.
    if (app && (await health(app)).code !== 200) {
      await writeAndReload().catch(() => undefined);
      await eventually(async () => (await health(app)).code === 200, 5_000).catch(() => undefined);
    }
    await app?.close();
    if (mosquitto?.exitCode === null) {
      const exited = new Promise((resolve) => mosquitto.once('exit', resolve));
      mosquitto.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses DockProof until its key is in the files, then admits it without a restart', async () => {
    await expect(health(app)).resolves.toEqual({
      code: 503,
      broker: expect.objectContaining({ ready: false }),
    });
    await writeAndReload();
    await eventually(async () => (await health(app)).code === 200);
  });

  it('admits a key issued later after the next write, and drops its connection once revoked', async () => {
    const apiKey = await issueKey(app.url, app.adminKey, { role: 'scanner', siteIds: ['AMS1'] });
    const keyId = /^dp_(key_[0-9a-f]+)_/.exec(apiKey)![1];
    const connect = () =>
      connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: keyId,
        password: apiKey,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      });
    await expect(connect()).rejects.toThrow(/Not authorized/i);
    await writeAndReload();
    let scanner: MqttClient | undefined;
    await eventually(async () => {
      scanner = await connect().catch(() => undefined);
      return scanner !== undefined;
    });
    clients.push(scanner!);
    const closed = new Promise<void>((resolve) => scanner!.once('close', () => resolve()));

    const revoked = await fetch(`${app.url}/api/v1/api-keys/${keyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${app.adminKey}` },
    });
    expect(revoked.status).toBe(200);
    await writeAndReload();
    await expect(closed).resolves.toBeUndefined();
    await expect(connect()).rejects.toThrow(/Not authorized/i);
    // DockProof stays connected through the reloads (run alone, it connects after the first).
    await eventually(async () => (await health(app)).code === 200);
  });
});

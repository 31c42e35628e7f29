import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { findFreePort } from '../src/database/free-port';
import { issueKey } from './support/api-keys';
import { portAccepts } from './support/port-accepts';
import { startTestApp, TestApp } from './support/test-app';

const CLI = join(__dirname, '../dist/src/cli/mosquitto-auth.js');
/** How long a message that should not arrive is waited for. */
const SILENCE_MS = 1_000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx nest build\` first`);
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: CliResult = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ ...result, code })));
}

function mosquittoBinary(): string {
  try {
    return execFileSync('which', ['mosquitto'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'mosquitto is not installed (not on PATH): this test needs Mosquitto 2 ' +
        '(e.g. `apt-get install mosquitto`)',
    );
  }
}

function mosquittoConf(dir: string, port: number): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${join(dir, 'passwords')}`,
    `acl_file ${join(dir, 'acl')}`,
    'persistence false',
    // Started as root, Mosquitto would switch to the `mosquitto` user and be unable to read the
    // 0600 password file; as anyone else it ignores this line.
    `user ${userInfo().username}`,
    'log_dest stdout',
    '',
  ].join('\n');
}

class Mosquitto {
  log = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(conf: string) {
    this.child = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => (this.log += chunk.toString());
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  async waitListening(port: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`mosquitto exited:\n${this.log}`);
      if (await portAccepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms:\n${this.log}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** The first message on `topic` within `ms`, or null. */
function nextMessage(client: MqttClient, topic: string, ms = SILENCE_MS): Promise<string | null> {
  return new Promise((resolve) => {
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      finish(payload.toString());
    };
    const timer = setTimeout(() => finish(null), ms);
    const finish = (value: string | null) => {
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(value);
    };
    client.on('message', onMessage);
  });
}

function keyIdOf(apiKey: string): string {
  return /^dp_(key_[0-9a-f]+)_/.exec(apiKey)![1];
}

describe('Mosquitto password and ACL files from the API keys', () => {
  let app: TestApp;
  let dir: string;
  let port: number;
  let mosquitto: Mosquitto | undefined;
  let scannerKey: string;
  let wmsKey: string;
  let cli: CliResult;
  const clients: MqttClient[] = [];

  const connect = async (username: string, password: string) => {
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `c-${randomUUID()}`,
      username,
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    clients.push(client);
    return client;
  };
  const admin = () => connect('bootstrap-admin', app.adminKey);
  const topic = (rest: string) => `${app.prefix}sites/${rest}`;

  beforeAll(async () => {
    app = await startTestApp({ MQTT_URL: '' });
    scannerKey = await issueKey(app.url, app.adminKey, { role: 'scanner', siteIds: ['AMS1'] });
    wmsKey = await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: ['AMS1'] });
    dir = mkdtempSync(join(tmpdir(), 'dockproof-mosquitto-'));
    cli = await runCli([dir], { DATABASE_URL: app.db.url, MQTT_TOPIC_PREFIX: app.prefix });
    if (cli.code !== 0) throw new Error(`the CLI failed (${cli.code}):\n${cli.stderr}`);
    port = await findFreePort();
    writeFileSync(join(dir, 'mosquitto.conf'), mosquittoConf(dir, port));
    mosquitto = new Mosquitto(join(dir, 'mosquitto.conf'));
    await mosquitto.waitListening(port);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await app?.close();
  });

  it('writes both files, the password file readable by its owner only, and says to send SIGHUP', () => {
    expect(cli.stdout).toMatch(/^wrote 3 users to .*passwords and their topics to .*acl; .*SIGHUP/);
    expect(statSync(join(dir, 'passwords')).mode & 0o777).toBe(0o600);
    const users = readFileSync(join(dir, 'passwords'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(':')[0]);
    expect(users.sort()).toEqual(['bootstrap-admin', keyIdOf(scannerKey), keyIdOf(wmsKey)].sort());
  });

  it.each([
    ['no out-dir', [] as string[], {}],
    ['two out-dirs', ['a', 'b'], {}],
    ['an out-dir that does not exist', ['/nonexistent/dockproof'], {}],
    ['no DATABASE_URL', ['.'], { DATABASE_URL: '' }],
    ['a bad MQTT_TOPIC_PREFIX', ['.'], { MQTT_TOPIC_PREFIX: 'no-slash' }],
  ])('exits 2 with the usage on %s', async (_name, args, env: Record<string, string>) => {
    const result = await runCli(args, { DATABASE_URL: app.db.url, ...env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: DATABASE_URL=/);
  });

  it('refuses a wrong password', async () => {
    await expect(connect(keyIdOf(scannerKey), `${scannerKey}x`)).rejects.toThrow(/Not authorized/i);
  });

  it("delivers a scanner's scans of its own site", async () => {
    const subscriber = await admin();
    await subscriber.subscribeAsync(topic('+/docks/+/scans'), { qos: 1 });
    const scanner = await connect(keyIdOf(scannerKey), scannerKey);
    const received = nextMessage(subscriber, topic('AMS1/docks/D1/scans'), 5_000);
    await scanner.publishAsync(topic('AMS1/docks/D1/scans'), 'ams1-scan', { qos: 1 });
    expect(await received).toBe('ams1-scan');
  });

  it("drops a scanner's scans of another site", async () => {
    const subscriber = await admin();
    await subscriber.subscribeAsync(topic('+/docks/+/scans'), { qos: 1 });
    const scanner = await connect(keyIdOf(scannerKey), scannerKey);
    const received = nextMessage(subscriber, topic('RTM2/docks/D1/scans'));
    // Mosquitto 2 acknowledges an unauthorised QoS 1 publish from an MQTT 3.1.1 client, then drops it.
    await scanner.publishAsync(topic('RTM2/docks/D1/scans'), 'rtm2-scan', { qos: 1 });
    expect(await received).toBeNull();
  });

  /**
   * Whether `filter` ever delivers `published` to `client`. Mosquitto 2.0's ACL file grants every
   * SUBSCRIBE (its source: "FIXME - implement ACL subscription strings") and checks `read` per
   * delivered message, so a refusal shows as silence; a refused SUBACK (0x80) counts as silence too.
   */
  async function delivers(client: MqttClient, filter: string, published: string) {
    const granted = await client.subscribeAsync(filter, { qos: 1 }).then(
      () => true,
      (error: Error) => (/Subscribe error/.test(error.message) ? false : Promise.reject(error)),
    );
    if (!granted) return false;
    const received = nextMessage(client, published);
    await (await admin()).publishAsync(published, randomUUID(), { qos: 1 });
    return (await received) !== null;
  }

  it.each([
    ['scanner', 'its site’s verdicts', true, 'AMS1/docks/+/verdicts', 'AMS1/docks/D1/verdicts'],
    [
      'scanner',
      'another site’s verdicts',
      false,
      'RTM2/docks/D1/verdicts',
      'RTM2/docks/D1/verdicts',
    ],
    ['scanner', 'every site’s verdicts', false, '+/docks/+/verdicts', 'RTM2/docks/D1/verdicts'],
    ['scanner', 'its site’s WMS events', false, 'AMS1/wms/events', 'AMS1/wms/events'],
    ['wms', 'its site’s WMS events', true, 'AMS1/wms/events', 'AMS1/wms/events'],
    ['wms', 'another site’s WMS events', false, 'RTM2/wms/events', 'RTM2/wms/events'],
    ['wms', 'its site’s verdicts', false, 'AMS1/docks/+/verdicts', 'AMS1/docks/D1/verdicts'],
  ])('a %s key reading %s: delivered %s', async (role, _what, expected, filter, published) => {
    const apiKey = role === 'scanner' ? scannerKey : wmsKey;
    const client = await connect(keyIdOf(apiKey), apiKey);
    expect(await delivers(client, topic(filter), topic(published))).toBe(expected);
  });
});

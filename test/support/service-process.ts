import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from '../../src/database/free-port';
import { testAdminKey } from './api-keys';
import { uniqueId } from './test-app';

const MAIN = join(__dirname, '../../dist/src/main.js');

/** The settings of a service process of a test: its own ports, topic prefix, ids and admin key. */
export async function serviceEnv(options: {
  label: string;
  databaseUrl: string;
  dataDir: string;
  subscriberConnections: number;
}) {
  const port = await findFreePort();
  const mqttPort = await findFreePort();
  return {
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    MQTT_URL: process.env.MQTT_URL ?? '',
    MQTT_PORT: String(mqttPort),
    DATA_DIR: options.dataDir,
    // Kept across a restart: the instance's persistent sessions hold what was in flight.
    DOCKPROOF_INSTANCE_ID: uniqueId(options.label),
    MQTT_TOPIC_PREFIX: `${uniqueId(options.label)}/`,
    MQTT_SHARE_GROUP: uniqueId('g'),
    MQTT_SUBSCRIBER_CONNECTIONS: String(options.subscriberConnections),
    LOG_LEVEL: 'warn',
    DOCKPROOF_ADMIN_KEY: testAdminKey(),
  };
}

/** DockProof as a real process (built by `npm test`'s pretest step), for crash and start-up tests. */
export class ServiceProcess {
  private output = '';
  private exit?: Promise<number | null>;
  private child?: ChildProcess;

  constructor(private readonly env: Record<string, string>) {}

  get log(): string {
    return this.output;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('not started');
    return this.child.pid;
  }

  /** Started and neither exited nor killed since. */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env };
    for (const key of ['DATABASE_URL', 'MQTT_URL'] as const) if (!this.env[key]) delete env[key];
    this.child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.output = '';
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exit = new Promise((resolve) => this.child!.once('exit', (code) => resolve(code)));
    return this;
  }

  async waitHealthy(port: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`service exited:\n${this.output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`service not healthy after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Stops it with SIGTERM; resolves with the exit code and, when it is not 0, what it logged. */
  async stop(): Promise<{ code: number | null; log: string }> {
    const code = await this.kill('SIGTERM');
    const log = this.output
      .split('\n')
      .filter((line) => !/RoutesResolver|RouterExplorer|InstanceLoader/.test(line))
      .join('\n');
    return { code, log: code === 0 ? '' : log };
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child?.kill(signal);
    return this.exited();
  }

  exited(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }
}

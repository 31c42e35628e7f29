import { ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { settingsSchema } from '../../src/config/settings';
import { findFreePort } from '../../src/database/free-port';
import { ServiceApi, sleep } from '../support/service-api';

/** Written into the demo's data folder: only a folder holding it is ever wiped. */
const MARKER = 'DOCKPROOF-DEMO';

// Run from source by ts-node (as `npm run demo` does), or compiled into dist/scripts by `nest build`.
const MAIN = [join(__dirname, '../../dist/src/main.js'), join(__dirname, '../../src/main.js')].find(
  (path) => existsSync(path),
);

/** Stops of every DockProof started, so a Ctrl-C during start-up leaves no PostgreSQL behind. */
const started = new Set<() => Promise<number | null>>();

export async function stopAllServices(): Promise<void> {
  await Promise.all([...started].map((stop) => stop()));
}

export interface DemoService {
  api: ServiceApi;
  port: number;
  mqttUrl: string;
  adminKey: string;
  logFile: string;
  stop(): Promise<number | null>;
}

/**
 * Empties the demo's data folder (a fresh registry each run, so the story always goes the same
 * way) after checking it is one the demo made and no DockProof of an earlier demo still uses it.
 */
export function prepareDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER)))
      throw new Error(`${dir} is not empty and was not made by the demo: not wiping it`);
    const pidFile = join(dir, 'postgres', 'postmaster.pid');
    if (existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, 'utf8').split('\n')[0])))
      throw new Error(`a PostgreSQL still runs on ${dir}: is another demo running? Stop it first`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'Data of `npm run demo`, wiped at its next start.\n');
}

/** PORT when set (0: any free port); else 3000, or a free port when something listens there. */
export async function choosePort(requested: string | undefined): Promise<number> {
  if (requested === '0') return findFreePort();
  if (requested) return Number(requested);
  return (await portIsFree(3000)) ? 3000 : findFreePort();
}

/**
 * DockProof as `npm start` runs it, with the embedded PostgreSQL and broker whatever the shell
 * says: every DockProof setting of the caller's environment is dropped (a DATA_DIR or
 * DATABASE_URL of a real instance must never see the demo), then the demo's own are set.
 */
export async function startService(options: {
  dataDir: string;
  port: number;
  mqttPort?: string;
}): Promise<DemoService> {
  if (!MAIN) throw new Error('dist/src/main.js is missing: run "npm run build" first');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(settingsSchema.shape)) delete env[name];
  Object.assign(env, { PORT: String(options.port), DATA_DIR: options.dataDir });
  if (options.mqttPort) env.MQTT_PORT = options.mqttPort;
  const logFile = join(options.dataDir, 'dockproof.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const api = new ServiceApi(`http://127.0.0.1:${options.port}`);
  const stop = () => stopChild(child, exited);
  started.add(stop);
  try {
    const brokerPort = await waitHealthy(api, child, logFile);
    const adminKey = readFileSync(join(options.dataDir, 'admin-key'), 'utf8').trim();
    const mqttUrl = `mqtt://127.0.0.1:${brokerPort}`;
    return { api, port: options.port, mqttUrl, adminKey, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitHealthy(api: ServiceApi, child: ChildProcess, logFile: string): Promise<number> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`DockProof exited with ${child.exitCode}; its log:\n${tail(logFile)}`);
    const health = await api.health();
    const brokerPort = health?.status === 'ok' ? health.broker.port : undefined;
    if (typeof brokerPort === 'number' && brokerPort > 0) return brokerPort;
    await sleep(200);
  }
  throw new Error(`DockProof was not ready after 3 minutes; its log:\n${tail(logFile)}`);
}

/** SIGTERM lets DockProof finish what is under way and stop its PostgreSQL; SIGKILL after 30 s. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(killer);
  return code;
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '';
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

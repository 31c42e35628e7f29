import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../../src/database/free-port';
import { portAccepts } from '../../support/port-accepts';

const PROJECT_CONFIG = join(__dirname, '../../../deploy/mosquitto/mosquitto.conf');

/**
 * A Mosquitto of the test's own, on a free loopback port, running the project's broker
 * configuration (deploy/mosquitto/mosquitto.conf) with only its listener, its persistence folder
 * and its log moved into a temporary folder. It can be stopped (saving its persistent sessions),
 * killed, and started again on the same port with what it saved.
 */
export class MosquittoProcess {
  private child?: ChildProcess;
  private exit?: Promise<void>;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<MosquittoProcess> {
    const port = await findFreePort();
    const dir = mkdtempSync(join(tmpdir(), 'dockproof-mosquitto-'));
    writeFileSync(join(dir, 'mosquitto.conf'), testConfig(port, dir));
    const broker = new MosquittoProcess(port, dir);
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get log(): string {
    try {
      return readFileSync(join(this.dir, 'mosquitto.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Starts it (again), with whatever sessions and messages it saved when it stopped. */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      throw new Error('Mosquitto is running');
    const child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await portAccepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`Mosquitto did not start on ${this.port}: ${stderr}${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM: Mosquitto writes its persistence file and exits. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops it and removes its folder. */
  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exit;
  }
}

function testConfig(port: number, dir: string): string {
  const project = readFileSync(PROJECT_CONFIG, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(listener|persistence_location|log_dest)\b/.test(line));
  return [
    `listener ${port} 127.0.0.1`,
    ...project,
    `persistence_location ${dir}/`,
    `log_dest file ${join(dir, 'mosquitto.log')}`,
    // Run as root, Mosquitto would drop to the mosquitto user, who cannot write the folder.
    `user ${userInfo().username}`,
    '',
  ].join('\n');
}

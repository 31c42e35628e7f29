import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceApi, sleep } from '../scripts/support/service-api';
import type { ReadinessReport } from '../src/health/health-report';

export const SERVICE_MAIN = join(__dirname, '../dist/src/main.js');

/** DockProof as its own process (`node dist/src/main.js`), as it runs in production. */
export class ServiceProcess {
  private output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output = this.output.slice(-100);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: Record<string, string | undefined>, cpuProfileDir?: string): ServiceProcess {
    if (!existsSync(SERVICE_MAIN))
      throw new Error(`${SERVICE_MAIN} is missing: run "npm run build" (npm run bench does)`);
    const args = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = spawn(process.execPath, [...args, SERVICE_MAIN], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }

  async waitHealthy(api: ServiceApi, timeoutMs = 120_000): Promise<ReadinessReport> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`DockProof exited:\n${this.log}`);
      const health = await api.health();
      if (health?.status === 'ok') return health;
      await sleep(200);
    }
    throw new Error(`DockProof not healthy after ${timeoutMs} ms:\n${this.log}`);
  }

  /** SIGTERM (DockProof finishes what is under way), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(killer);
  }
}

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../src/database/free-port';

const ROOT = join(__dirname, '..');

/** `npm run demo -- --short` without its build step: the story runs through and checks itself. */
describe('npm run demo --short', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dockproof-demo-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the story with embedded services to completion and exits 0', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      MQTT_PORT: String(await findFreePort()),
    };
    // The demo uses the embedded services whatever these say; the test does not rely on that.
    delete env.DATABASE_URL;
    delete env.MQTT_URL;
    const { code, output } = await run(
      ['-r', 'ts-node/register/transpile-only', 'scripts/demo.ts', '--short'],
      env,
    );

    expect({ code, log: code === 0 ? '' : output }).toEqual({ code: 0, log: '' });
    for (const line of [
      /label verified; 12 units verified, 0 suspicious/,
      /HP9001: SERIAL_NOT_CERTIFIED/,
      /HP0005: DUPLICATE_SERIAL/,
      /SP0051: NO_IP_CLEARANCE/,
      /SR0001: CERTIFICATE_REVOKED/,
      /WMS <- hold HAM1 pallet \d{18}: 2 units held \(DUPLICATE_SERIAL\)/,
      /WMS <- quarantine AMS1 pallet \d{18}: "HP9001 and HP9002/,
      /WMS <- release HAM1 pallet \d{18}: /,
      /\d+ entries, hash chain intact/,
      /The story went as written/,
    ])
      expect(output).toMatch(line);
    expect(output).not.toMatch(/NOT AS EXPECTED/);
    // DockProof stopped cleanly: its embedded PostgreSQL is down and left no pid file behind.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(readFileSync(join(dataDir, 'dockproof.log'), 'utf8')).toMatch(/SIGTERM received/);
  }, 300_000);
});

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Jest's own timeout would leave the demo and its PostgreSQL running: stop it first.
    const timer = setTimeout(() => child.kill('SIGTERM'), 240_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

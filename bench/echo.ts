import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';
import type { CpuSample } from './cpu';
import type { ResponderConfig } from './echo-responder';
import type { Lane } from './layout';
import type { Phase } from './options';
import { PhaseStats, ScannerFleet } from './scanners';

/**
 * The protocol ceiling: the same scanners at saturation, answered by echo-responder.ts instead of
 * DockProof (a verdict per scan, no verification, no storage), on its own topic prefix so that
 * DockProof does not see the scans. What DockProof reaches against it is the price of verifying
 * and committing; what it reaches against the bare relay is what the targets compare.
 */
export async function measureEchoCeiling(options: {
  url: string;
  /** An admin key: the responder reads every site's scans, the scanners use echo topics. */
  adminKey: string;
  prefix: string;
  lanes: Lane[];
  tag: string;
  single: { phase: Phase; window: number };
  batch: { phase: Phase; window: number; size: number };
  cpu: () => CpuSample;
  cleanup: Cleanup;
}): Promise<{ single: PhaseStats; batch: PhaseStats }> {
  const prefix = `${options.prefix}echo/`;
  const stop = await startResponder(
    {
      url: options.url,
      clientId: `${options.tag}-echo`,
      username: 'bench-echo',
      password: options.adminKey,
      filter: `${prefix}sites/+/docks/+/scans`,
    },
    options.cleanup,
  );
  try {
    const fleet = await ScannerFleet.connect({
      url: options.url,
      prefix,
      lanes: options.lanes,
      credentials: { username: 'bench-echo', password: options.adminKey },
      runTag: `${options.tag}e`,
      cpu: options.cpu,
    });
    try {
      const { single, batch } = options;
      return {
        single: await fleet.saturate(single.phase, single.window, 1),
        batch: await fleet.saturate(batch.phase, batch.window, batch.size),
      };
    } finally {
      await fleet.close();
    }
  } finally {
    await stop();
  }
}

async function startResponder(
  config: ResponderConfig,
  cleanup: Cleanup,
): Promise<() => Promise<void>> {
  const compiled = __filename.endsWith('.js');
  const script = join(__dirname, compiled ? 'echo-responder.js' : 'echo-responder.ts');
  const args = compiled ? [script] : ['-r', 'ts-node/register/transpile-only', script];
  const child = spawn(process.execPath, [...args, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  cleanup.add('stop the echo responder', () => child.exitCode ?? child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void exited.then((code) => reject(new Error(`the echo responder exited with ${code}`)));
  });
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

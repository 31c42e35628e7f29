import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The broker client ids derive from this id, so it must survive restarts: a persistent session
 * whose client id never returns keeps its queued scans stranded on the broker.
 */
export function resolveInstanceId(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'instance-id');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const id = `dockproof-${randomBytes(4).toString('hex')}`;
    writeFileSync(file, `${id}\n`, { flag: 'wx' });
    return id;
  }
}

import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '../../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { embeddedPostgres?: EmbeddedPostgres }).embeddedPostgres;
  if (!server) return;
  await server.stop();
  if (process.env.DOCKPROOF_TEST_PG_DIR)
    rmSync(process.env.DOCKPROOF_TEST_PG_DIR, { recursive: true, force: true });
}

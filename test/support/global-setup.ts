import { Logger } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * With DATABASE_URL unset (a fresh machine), the tests run against an embedded PostgreSQL of their
 * own; each test file still makes and drops its own database on whichever server this is.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  Logger.overrideLogger(['error', 'warn']);
  const { EmbeddedPostgres } = await import('../../src/database/embedded-postgres');
  const dataDir = mkdtempSync(join(tmpdir(), 'dockproof-test-pg-'));
  const server = new EmbeddedPostgres(dataDir);
  process.env.DATABASE_URL = await server.start();
  (globalThis as { embeddedPostgres?: typeof server }).embeddedPostgres = server;
  process.env.DOCKPROOF_TEST_PG_DIR = dataDir;
}

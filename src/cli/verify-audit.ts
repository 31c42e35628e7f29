import { withClient } from '../database/with-client';
import type { ChainVerification } from '../audit/audit-entry';
import {
  AuditRow,
  HEAD_SQL,
  PAGE_SQL,
  toAuditEntry,
  toChainLink,
  verifyStoredChain,
} from '../audit/audit-store';

/**
 * Verifies the audit trail's hash chain straight from PostgreSQL, with no application running:
 * `DATABASE_URL=postgres://… node dist/src/cli/verify-audit.js`.
 * Prints `{ok, entries, firstBadEntry?}`; exits 0 when intact, 1 when not, 2 on a usage error,
 * 3 when it could not verify (database unreachable, no audit tables).
 */
const USAGE = 'usage: DATABASE_URL=postgres://user@host:5432/db node dist/src/cli/verify-audit.js';

export const EXIT = { ok: 0, broken: 1, usage: 2, failed: 3 } as const;

export async function verifyAudit(databaseUrl: string): Promise<ChainVerification> {
  const config = { connectionString: databaseUrl, application_name: 'dockproof-audit-verify' };
  return withClient(config, async (client) => {
    const head = await client.query<{ seq: string; hash: string }>(HEAD_SQL);
    return verifyStoredChain(toChainLink(head.rows[0]), async (after, through, limit) => {
      const page = await client.query<AuditRow>(PAGE_SQL, [after, through, limit]);
      return page.rows.map(toAuditEntry);
    });
  });
}

export async function main(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.length > 0 || !env.DATABASE_URL) {
    process.stderr.write(
      `${args.length > 0 ? `unexpected argument ${args[0]}` : 'DATABASE_URL is not set'}\n${USAGE}\n`,
    );
    return EXIT.usage;
  }
  try {
    const result = await verifyAudit(env.DATABASE_URL);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.ok ? EXIT.ok : EXIT.broken;
  } catch (error) {
    process.stderr.write(`could not verify the audit trail: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}

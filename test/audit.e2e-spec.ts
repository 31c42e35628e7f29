import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { migrations } from '../migrations';
import { CreateAuditTrail1795456800003 } from '../migrations/1795456800003-CreateAuditTrail';
import type { AuditInput } from '../src/audit/audit-entry';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity';
import { payloadHash, ZERO_HASH } from '../src/audit/audit-hash';
import { AuditNotInTransactionError, AuditService } from '../src/audit/audit.service';
import { entities, typeormOptions } from '../src/database/typeorm-options';
import { createTestDatabase, TestDatabase } from './support/test-database';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli', 'verify-audit.js');

/** Works before and after the audit migration and entity are registered with the app's lists. */
function byName<T extends { name: string }>(list: T[]): T[] {
  return [...new Map(list.map((item) => [item.name, item])).values()];
}

function input(n: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    actor: n % 2 ? 'key-admin-1' : 'system',
    action: 'supplier.updated',
    objectType: 'supplier',
    objectId: `SUP-${n % 3}`,
    payload: { status: n % 2 ? 'suspended' : 'active', n },
    ...overrides,
  };
}

function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('audit trail (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let audit: AuditService;

  const append = (entry: AuditInput) =>
    dataSource.transaction((tx: EntityManager) => audit.append(tx, entry));
  const count = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_entries'))[0].n);
  const asSuperuserWithoutTriggers = (sql: string) =>
    db.query(`BEGIN;
      ALTER TABLE audit_entries DISABLE TRIGGER USER; ${sql};
      ALTER TABLE audit_entries ENABLE TRIGGER USER; COMMIT`);

  beforeAll(async () => {
    db = await createTestDatabase();
    const options = typeormOptions(db.url);
    dataSource = await new DataSource({
      ...options,
      entities: byName([...entities, AuditEntryEntity]),
      migrations: byName([...migrations, CreateAuditTrail1795456800003]),
    }).initialize();
    audit = new AuditService(dataSource);
    audit.onModuleInit();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('starts with an empty, intact chain', async () => {
    await expect(audit.verify()).resolves.toEqual({ ok: true, entries: 0 });
    await expect(db.query('SELECT seq::int, hash FROM audit_chain_head')).resolves.toEqual([
      { seq: 0, hash: ZERO_HASH },
    ]);
  });

  it('chains appends in separate transactions, storing exactly what it hashed', async () => {
    const first = await append(input(1));
    const second = await append(input(2));
    expect(first).toMatchObject({ seq: 1, prevHash: ZERO_HASH, actor: 'key-admin-1' });
    expect(first.payloadSha256).toBe(payloadHash(input(1).payload));
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    const { items } = await audit.list();
    expect(items).toEqual([first, second]);
    await expect(audit.verify()).resolves.toEqual({ ok: true, entries: 2 });
  });

  it('chains 20 concurrent transactions into one valid chain', async () => {
    const entries = await Promise.all(Array.from({ length: 20 }, (_, i) => append(input(i + 3))));
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 3),
    );
    await expect(audit.verify()).resolves.toEqual({ ok: true, entries: 22 });
    await expect(db.query('SELECT seq::int FROM audit_chain_head')).resolves.toEqual([{ seq: 22 }]);
  });

  it('leaves no trace of an entry whose transaction rolls back', async () => {
    const before = await count();
    await expect(
      dataSource.transaction(async (tx) => {
        await audit.append(tx, input(99, { action: 'site.created' }));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count()).toBe(before);
    const next = await append(input(100));
    expect(next.seq).toBe(before + 1);
    await expect(audit.verify()).resolves.toEqual({ ok: true, entries: before + 1 });
  });

  it('refuses to append outside a transaction', async () => {
    await expect(audit.append(dataSource.manager, input(1))).rejects.toThrow(
      AuditNotInTransactionError,
    );
  });

  it.each([
    ['UPDATE', `UPDATE audit_entries SET actor = 'mallory' WHERE seq = 1`],
    ['DELETE', `DELETE FROM audit_entries WHERE seq = 1`],
    ['TRUNCATE', `TRUNCATE audit_entries`],
  ])('refuses %s through the application connection', async (_name, sql) => {
    await expect(dataSource.query(sql)).rejects.toThrow('audit_entries is append-only');
  });

  it.each([
    ['rewinding the head', `UPDATE audit_chain_head SET seq = 0`],
    ['deleting the head', `DELETE FROM audit_chain_head`],
    ['truncating the head', `TRUNCATE audit_chain_head`],
  ])('refuses %s', async (_name, sql) => {
    await expect(dataSource.query(sql)).rejects.toThrow(/audit_chain_head only advances/);
  });

  describe('list', () => {
    it('filters by object, actor and time, in seq order', async () => {
      const { items } = await audit.list({ objectType: 'supplier', objectId: 'SUP-1', limit: 500 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((e) => e.objectId === 'SUP-1')).toBe(true);
      expect(items.map((e) => e.seq)).toEqual([...items.map((e) => e.seq)].sort((a, b) => a - b));
      const system = await audit.list({ actor: 'system', limit: 500 });
      expect(system.items.every((e) => e.actor === 'system')).toBe(true);
      const [third] = (await audit.list({ after: 2, limit: 1 })).items;
      const atThird = await audit.list({ from: third.at, to: third.at });
      expect(atThird.items.map((e) => e.seq)).toContain(third.seq);
      await expect(audit.list({ to: new Date(0) })).resolves.toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('pages with the cursor until nextCursor is null', async () => {
      const seqs: number[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await audit.list({ limit: 7, after });
        seqs.push(...page.items.map((e) => e.seq));
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      expect(seqs).toEqual(Array.from({ length: await count() }, (_, i) => i + 1));
    });

    it.each([0, 501, 1.5])('refuses limit %p', async (limit) => {
      await expect(audit.list({ limit })).rejects.toThrow(RangeError);
    });
  });

  describe('verify-audit CLI', () => {
    it('exits 0 and prints the result on an intact chain', async () => {
      const { code, stdout } = await runCli({ ...process.env, DATABASE_URL: db.url });
      expect(JSON.parse(stdout)).toEqual({ ok: true, entries: await count() });
      expect(code).toBe(0);
    });

    it('exits 2 without DATABASE_URL', async () => {
      const { DATABASE_URL: _unused, ...env } = process.env;
      await expect(runCli(env)).resolves.toMatchObject({ code: 2 });
    });
  });

  describe('after tampering as superuser with the triggers disabled', () => {
    it('names an altered entry, in the service and the CLI', async () => {
      const entries = await count();
      const [{ actor }] = await db.query<{ actor: string }>(
        'SELECT actor FROM audit_entries WHERE seq = 7',
      );
      await asSuperuserWithoutTriggers(`UPDATE audit_entries SET actor = 'mallory' WHERE seq = 7`);
      await expect(audit.verify()).resolves.toEqual({ ok: false, entries, firstBadEntry: 7 });
      const cli = await runCli({ ...process.env, DATABASE_URL: db.url });
      expect(JSON.parse(cli.stdout)).toEqual({ ok: false, entries, firstBadEntry: 7 });
      expect(cli.code).toBe(1);
      await asSuperuserWithoutTriggers(`UPDATE audit_entries SET actor = '${actor}' WHERE seq = 7`);
      await expect(audit.verify()).resolves.toEqual({ ok: true, entries });
    });

    it('names a deleted entry, and a deleted last entry', async () => {
      const entries = await count();
      await asSuperuserWithoutTriggers(`DELETE FROM audit_entries WHERE seq = 4`);
      await expect(audit.verify()).resolves.toEqual({
        ok: false,
        entries: entries - 1,
        firstBadEntry: 5,
      });
      await asSuperuserWithoutTriggers(`DELETE FROM audit_entries WHERE seq = ${entries}`);
      await expect(audit.verify()).resolves.toMatchObject({ ok: false, firstBadEntry: 5 });
    });
  });

  it('migrates down and up again', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await new CreateAuditTrail1795456800003().down(runner);
      await expect(runner.hasTable('audit_entries')).resolves.toBe(false);
      await expect(runner.hasTable('audit_chain_head')).resolves.toBe(false);
      await new CreateAuditTrail1795456800003().up(runner);
      await expect(runner.query('SELECT seq::int FROM audit_chain_head')).resolves.toEqual([
        { seq: 0 },
      ]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { CreateAuditTrail1795456800003 } from '../migrations/1795456800003-CreateAuditTrail';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity';
import { entryHash } from '../src/audit/audit-hash';
import { AuditService } from '../src/audit/audit.service';
import { entities, typeormOptions } from '../src/database/typeorm-options';
import { createTestDatabase } from './support/test-database';

it('debug', async () => {
  const db = await createTestDatabase();
  const ds = await new DataSource({
    ...typeormOptions(db.url),
    entities: [...entities, AuditEntryEntity],
    migrations: [...migrations, CreateAuditTrail1795456800003],
  }).initialize();
  const audit = new AuditService(ds);
  const res = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      ds.transaction((tx) =>
        audit.append(tx, {
          actor: 'a',
          action: 'b',
          objectType: 'c',
          objectId: String(i),
          payload: i,
        }),
      ),
    ),
  );
  const { items } = await audit.list({ limit: 500 });
  for (const e of items) {
    const r = res.find((x) => x.seq === e.seq)!;
    console.log(
      e.seq,
      e.at.toISOString(),
      r.at.toISOString(),
      e.prevHash.slice(0, 8),
      r.prevHash.slice(0, 8),
      e.hash.slice(0, 8),
      entryHash(e.prevHash, e).slice(0, 8),
    );
  }
  console.log(await audit.verify());
  await ds.destroy();
  await db.drop();
});

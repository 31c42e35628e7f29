import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PrepareWmsRetention1795456800012 } from '../migrations/1795456800012-PrepareWmsRetention';
import { WmsRetention } from '../src/wms/wms-retention.service';
import { startTestApp, TestApp, uniqueId } from './support/test-app';
import { dataSourceUntil } from './support/migration-steps';
import { createTestDatabase, TestDatabase } from './support/test-database';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

type Query = TestDatabase['query'];

/** Disabled, so that the webhook worker leaves its deliveries alone. */
async function endpoint(query: Query, siteId: string, disabledAt = new Date()): Promise<string> {
  const endpointId = uniqueId('wh');
  await query(
    `INSERT INTO webhook_endpoints (endpoint_id, site_id, url, secret, enabled, disabled_at,
                                    created_at, created_by)
     VALUES ($1, $2, 'https://wms.example.com/' || $1, 'whsec_x', false, $3, now(), 'test')`,
    [endpointId, siteId, disabledAt],
  );
  return endpointId;
}

async function siteWithEndpoint(query: Query): Promise<{ siteId: string; endpointId: string }> {
  const siteId = uniqueId('S');
  await query(`INSERT INTO sites (site_id, name, country) VALUES ($1, 'Site', 'NL')`, [siteId]);
  return { siteId, endpointId: await endpoint(query, siteId) };
}

async function message(
  query: Query,
  siteId: string,
  at: { created: Date; published: Date | null },
): Promise<string> {
  const [{ seq }] = await query<{ seq: string }>(
    `INSERT INTO outbox (message_id, site_id, topic, body, created_at, published_at)
     VALUES ($1, $2, 'sites/' || $2 || '/wms/events', '{}', $3, $4) RETURNING seq::text`,
    [randomUUID(), siteId, at.created, at.published],
  );
  return seq;
}

interface DeliveryState {
  status: 'pending' | 'delivered' | 'failed';
  created: Date;
  attempted?: Date;
  /** Only for a delivered or given-up one. */
  finished?: Date;
}

async function delivery(
  query: Query,
  endpointId: string,
  seq: string,
  state: DeliveryState,
): Promise<string> {
  const [{ id }] = await query<{ id: string }>(
    `INSERT INTO webhook_deliveries (endpoint_id, outbox_seq, status, attempts, created_at,
                                     next_attempt_at, last_attempt_at, delivered_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, now() + interval '1 day', $6,
             CASE WHEN $3 = 'delivered' THEN $7::timestamptz END, $7)
     RETURNING delivery_id::text AS id`,
    [
      endpointId,
      seq,
      state.status,
      state.attempted ? 1 : 0,
      state.created,
      state.attempted ?? null,
      state.finished ?? null,
    ],
  );
  return id;
}

describe('WMS retention: OUTBOX_RETENTION_DAYS (30 by default)', () => {
  let app: TestApp;
  let retention: WmsRetention;
  const query: Query = (sql, params) => app.db.query(sql, params);

  const remaining = async (table: 'outbox' | 'webhook_deliveries', ids: string[]) => {
    const key = table === 'outbox' ? 'seq' : 'delivery_id';
    const rows = await query<{ id: string }>(
      `SELECT ${key}::text AS id FROM ${table} WHERE ${key} = ANY($1::bigint[]) ORDER BY ${key}`,
      [ids],
    );
    return rows.map((r) => r.id);
  };

  beforeAll(async () => {
    // No relay: an unpublished message must stay unpublished, whatever its age.
    app = await startTestApp({ WMS_RELAY: 'off' });
    retention = app.dockproof.app.get(WmsRetention);
    // The start-up round, on an empty database; later rounds see only what a test wrote.
    await retention.prune();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('deletes old published messages and old finished deliveries; keeps the rest, whatever its age', async () => {
    const { siteId, endpointId } = await siteWithEndpoint(query);
    const old = daysAgo(40);
    const recent = daysAgo(1);
    const publishedOld = { created: old, published: old };
    const messages = {
      published: await message(query, siteId, publishedOld),
      unpublished: await message(query, siteId, { created: old, published: null }),
      recent: await message(query, siteId, { created: recent, published: recent }),
      withPending: await message(query, siteId, publishedOld),
      withRetried: await message(query, siteId, publishedOld),
      withDelivered: await message(query, siteId, publishedOld),
      withGivenUp: await message(query, siteId, publishedOld),
      with410: await message(query, siteId, publishedOld),
      withRecentlyDelivered: await message(query, siteId, publishedOld),
      withRecentlyGivenUp: await message(query, siteId, publishedOld),
    };
    const add = (seq: string, state: DeliveryState) => delivery(query, endpointId, seq, state);
    const deliveries = {
      pending: await add(messages.withPending, { status: 'pending', created: old }),
      retried: await add(messages.withRetried, { status: 'pending', created: old, attempted: old }),
      delivered: await add(messages.withDelivered, {
        status: 'delivered',
        created: old,
        attempted: old,
        finished: old,
      }),
      givenUp: await add(messages.withGivenUp, {
        status: 'failed',
        created: old,
        attempted: old,
        finished: old,
      }),
      // Marked failed without an attempt when its endpoint answered 410 to another message.
      notSent: await add(messages.with410, { status: 'failed', created: old, finished: old }),
      recentlyDelivered: await add(messages.withRecentlyDelivered, {
        status: 'delivered',
        created: old,
        attempted: recent,
        finished: recent,
      }),
      recentlyGivenUp: await add(messages.withRecentlyGivenUp, {
        status: 'failed',
        created: old,
        attempted: recent,
        finished: recent,
      }),
    };

    await expect(retention.prune()).resolves.toEqual({ outboxMessages: 4, deliveries: 3 });

    await expect(remaining('webhook_deliveries', Object.values(deliveries))).resolves.toEqual([
      deliveries.pending,
      deliveries.retried,
      deliveries.recentlyDelivered,
      deliveries.recentlyGivenUp,
    ]);
    // A message stays while a delivery of it does: the delivery sends its body.
    await expect(remaining('outbox', Object.values(messages))).resolves.toEqual([
      messages.unpublished,
      messages.recent,
      messages.withPending,
      messages.withRetried,
      messages.withRecentlyDelivered,
      messages.withRecentlyGivenUp,
    ]);
  });

  it('deletes in batches until none is left', async () => {
    const { siteId } = await siteWithEndpoint(query);
    // One batch and a few rows more.
    await query(
      `INSERT INTO outbox (message_id, site_id, topic, body, created_at, published_at)
       SELECT gen_random_uuid(), $1, 't', '{}', $2, $2 FROM generate_series(1, 10005)`,
      [siteId, daysAgo(31)],
    );

    await expect(retention.prune()).resolves.toEqual({ outboxMessages: 10005, deliveries: 0 });
    await expect(
      query(`SELECT count(*)::int AS n FROM outbox WHERE site_id = $1`, [siteId]),
    ).resolves.toEqual([{ n: 0 }]);
  });

  it('leaves the round to another instance doing it', async () => {
    const { siteId } = await siteWithEndpoint(query);
    const seq = await message(query, siteId, { created: daysAgo(40), published: daysAgo(40) });
    const lock = [JSON.stringify(['wms-retention'])];
    await query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, lock);
    try {
      await expect(retention.prune()).resolves.toBeUndefined();
      await expect(remaining('outbox', [seq])).resolves.toEqual([seq]);
    } finally {
      await query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, lock);
    }

    await expect(retention.prune()).resolves.toEqual({ outboxMessages: 1, deliveries: 0 });
    await expect(remaining('outbox', [seq])).resolves.toEqual([]);
  });

  it('uses the indexes, not a read of the tables', async () => {
    await query(`ANALYZE outbox`);
    await query(`ANALYZE webhook_deliveries`);
    await query(`SET enable_seqscan = off`);
    try {
      const plan = async (sql: string) =>
        (await query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']);
      const deliveries = await plan(
        `SELECT 1 FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < now()`,
      );
      expect(deliveries.join('\n')).toContain('webhook_deliveries_finished');
      const outbox = await plan(
        `SELECT 1 FROM outbox o WHERE o.published_at IS NOT NULL AND o.published_at < now()
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_seq = o.seq)`,
      );
      expect(outbox.join('\n')).toContain('outbox_published');
      expect(outbox.join('\n')).toContain('webhook_deliveries_outbox');
    } finally {
      await query(`RESET enable_seqscan`);
    }
  });
});

describe('migration 1795456800012 with deliveries already stored', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const disabledAt = new Date('2026-11-03T10:00:00Z');
  const at = (day: number) => new Date(`2026-11-0${day}T08:00:00Z`);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await dataSourceUntil(db.url, PrepareWmsRetention1795456800012, false);
    await dataSource.runMigrations({ transaction: 'all' });
    const { siteId } = await siteWithEndpoint(db.query);
    const seq = await message(db.query, siteId, { created: at(1), published: at(1) });
    const insert = async (status: string, attemptedDay: number | null, deliveredDay?: number) => {
      const [{ id }] = await db.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (endpoint_id, outbox_seq, status, created_at,
                                         next_attempt_at, last_attempt_at, delivered_at)
         VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING delivery_id::text AS id`,
        [
          // One delivery per endpoint and message.
          await endpoint(db.query, siteId, disabledAt),
          seq,
          status,
          at(1),
          attemptedDay ? at(attemptedDay) : null,
          deliveredDay ? at(deliveredDay) : null,
        ],
      );
      return id;
    };
    ids.delivered = await insert('delivered', 2, 2);
    ids.givenUp = await insert('failed', 2);
    ids.notSent = await insert('failed', null);
    ids.pending = await insert('pending', 2);
    await dataSource.destroy();
    dataSource = await dataSourceUntil(db.url, PrepareWmsRetention1795456800012, true);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('dates each finished delivery no earlier than it finished, and leaves pending ones open', async () => {
    await dataSource.runMigrations({ transaction: 'all' });
    const rows = await db.query<{ id: string; finished_at: Date | null }>(
      `SELECT delivery_id::text AS id, finished_at FROM webhook_deliveries ORDER BY delivery_id`,
    );
    expect(rows).toEqual([
      { id: ids.delivered, finished_at: at(2) },
      // Given up, on an endpoint disabled later: kept from the later time.
      { id: ids.givenUp, finished_at: disabledAt },
      { id: ids.notSent, finished_at: disabledAt },
      { id: ids.pending, finished_at: null },
    ]);
    await expect(
      db.query(`UPDATE webhook_deliveries SET status = 'delivered' WHERE delivery_id = $1`, [
        ids.pending,
      ]),
    ).rejects.toThrow(/webhook_deliveries_finished_at_check/);
  });

  it('down and up again', async () => {
    await dataSource.undoLastMigration({ transaction: 'all' });
    await expect(
      db.query(`SELECT to_regclass('outbox_published') IS NULL AS gone`),
    ).resolves.toEqual([{ gone: true }]);
    await dataSource.runMigrations({ transaction: 'all' });
    await expect(
      db.query(`SELECT count(finished_at)::int AS n FROM webhook_deliveries`),
    ).resolves.toEqual([{ n: 3 }]);
  });
});

import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PartitionScansByMonth1795456800010 } from '../migrations/1795456800010-PartitionScansByMonth';
import { addMonths, monthStart } from '../src/ingestion/partition-months';
import { ScanPartitionsService } from '../src/ingestion/scan-partitions.service';
import { RejectedRow, ScansRepository } from '../src/ingestion/scans.repository';
import { scanEvent, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';
import { dataSourceUntil } from './support/migration-steps';
import { createTestDatabase, TestDatabase } from './support/test-database';

const partitionOf = (table: string, month: Date) =>
  `${table}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/** This month's partition and the next two. */
const upcoming = (table: string, now = new Date()) =>
  [0, 1, 2].map((n) => partitionOf(table, addMonths(monthStart(now), n)));

const sha256 = (payload: string | Buffer) => createHash('sha256').update(payload).digest();

async function partitionsOf(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

describe('scan tables partitioned by month', () => {
  let app: TestApp;
  let scannerKey: string;
  const topic = () => `${app.prefix}sites/AMS1/docks/D1/scans`;

  beforeAll(async () => {
    app = await startTestApp();
    scannerKey = await app.scannerKey();
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (body: unknown) =>
    request(app.http)
      .post('/api/v1/sites/AMS1/docks/D1/scans')
      .auth(scannerKey, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send(body as object);

  const ensureMonth = (table: string, month: string) =>
    app.db.query(`SELECT dockproof_ensure_month_partitions($1, $2, $2)`, [table, month]);

  const maintenance = () => app.dockproof.app.get(ScanPartitionsService);

  it.each(['scans', 'rejected_messages'])(
    '%s: this month and the next two have partitions after the migrations, beside a DEFAULT one',
    async (table) => {
      const partitions = await partitionsOf(app.db, table);
      expect(partitions).toEqual(expect.arrayContaining([...upcoming(table), `${table}_default`]));
      const [{ strategy }] = await app.db.query<{ strategy: string }>(
        `SELECT pg_get_partkeydef($1::regclass) AS strategy`,
        [table],
      );
      expect(strategy).toBe('RANGE (received_at)');
    },
  );

  it('gives every scans partition a unique index on event_id, so a look-up by eventId never reads a month', async () => {
    const partitions = [...upcoming('scans'), 'scans_default'];
    const unique = await app.db.query<{ partition: string }>(
      `SELECT c.relname AS partition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE c.relname = ANY($1) AND i.indisunique AND i.indnatts = 1 AND a.attname = 'event_id'`,
      [partitions],
    );
    expect(unique.map((u) => u.partition).sort()).toEqual([...partitions].sort());
  });

  it('keeps the rejected messages’ id sequence as the default of id', async () => {
    const [column] = await app.db.query<{ sequence: string; fallback: string }>(
      `SELECT pg_get_serial_sequence('rejected_messages', 'id') AS sequence,
              column_default AS fallback
         FROM information_schema.columns
        WHERE table_name = 'rejected_messages' AND column_name = 'id'`,
    );
    expect(column).toEqual({
      sequence: 'public.rejected_messages_id_seq',
      fallback: "nextval('rejected_messages_id_seq'::regclass)",
    });
  });

  it('stores a scan in the partition of the month it was received', async () => {
    const event = scanEvent();
    await post(event).expect(200);
    const rows = await app.db.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM scans WHERE event_id = $1`,
      [event.eventId],
    );
    expect(rows).toEqual([{ partition: partitionOf('scans', new Date()) }]);
  });

  it('answers an eventId stored in an older month’s partition with the stored verdict, once', async () => {
    const event = scanEvent();
    const first = (await post(event).expect(200)).body as VerdictBody;
    await ensureMonth('scans', '2020-03-01');
    // Moves the row into March 2020's partition, as if it had been received then.
    await app.db.query(
      `UPDATE scans SET received_at = '2020-03-15T12:00:00Z' WHERE event_id = $1`,
      [event.eventId],
    );

    const again = (await post(event).expect(200)).body as VerdictBody;
    expect(again).toEqual(first);
    const rows = await app.db.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM scans WHERE event_id = $1`,
      [event.eventId],
    );
    expect(rows).toEqual([{ partition: 'scans_y2020m03' }]);
  });

  it('keeps an identical rejected payload once when its first copy is in an older partition', async () => {
    const payload = `{"eventId": "${randomUUID()}",`;
    await ensureMonth('rejected_messages', '2020-04-01');
    await app.db.query(
      `INSERT INTO rejected_messages (received_at, source, topic, reason, payload, payload_bytes,
                                      payload_sha256)
       VALUES ('2020-04-10T08:00:00Z', 'http', $1, 'not valid JSON', $2, $3, $4)`,
      [topic(), Buffer.from(payload), Buffer.byteLength(payload), sha256(payload)],
    );

    await post(payload).expect(400);
    await post(payload).expect(400);
    const rows = await app.db.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM rejected_messages
        WHERE source = 'http' AND topic = $1 AND payload_sha256 = $2`,
      [topic(), sha256(payload)],
    );
    expect(rows).toEqual([{ partition: 'rejected_messages_y2020m04' }]);

    const other = `{"eventId": "${randomUUID()}",`;
    await post(other).expect(400);
    const [{ n }] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rejected_messages WHERE payload_sha256 = $1`,
      [sha256(other)],
    );
    expect(n).toBe(1);
  });

  it('keeps a rejected payload once when two transactions store it at the same time', async () => {
    const dataSource = app.dockproof.app.get(DataSource);
    const scans = app.dockproof.app.get(ScansRepository);
    const payload = Buffer.from(`race ${randomUUID()}`);
    const row = (): RejectedRow => ({
      receivedAt: new Date(),
      source: 'mqtt',
      topic: topic(),
      eventId: null,
      reason: 'race',
      payload,
      totalBytes: payload.length,
    });
    let commitFirst!: () => void;
    let firstStored!: () => void;
    const stored = new Promise<void>((resolve) => (firstStored = resolve));
    const first = dataSource.transaction(async (db) => {
      await scans.insertRejected(db, [row()]);
      firstStored();
      await new Promise<void>((resolve) => (commitFirst = resolve));
    });
    await stored;
    let secondDone = false;
    const second = dataSource
      .transaction((db) => scans.insertRejected(db, [row(), row()]))
      .then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    commitFirst();
    await first;
    await second;

    const [{ n }] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rejected_messages WHERE payload_sha256 = $1`,
      [sha256(payload)],
    );
    expect(n).toBe(1);
  });

  it('moves rows out of a DEFAULT partition into their month’s partition, with a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      await app.db.query(
        `INSERT INTO scans (event_id, site_id, dock_id, scanner_id, direction, scanned_at,
                            received_at, source, code, status, reason_codes, verdict)
         VALUES ('stray-2019', 'AMS1', 'D1', 'SCN-7', 'inbound', '2019-07-04T10:00:00Z',
                 '2019-07-04T10:00:01Z', 'mqtt', 'x', 'suspicious', '{}', '{}')`,
      );
      const before = await app.db.query<{ partition: string }>(
        `SELECT tableoid::regclass::text AS partition FROM scans WHERE event_id = 'stray-2019'`,
      );
      expect(before).toEqual([{ partition: 'scans_default' }]);

      const round = await maintenance().maintain();
      expect(round.created).toEqual(['scans_y2019m07']);
      const after = await app.db.query<{ partition: string }>(
        `SELECT tableoid::regclass::text AS partition FROM scans WHERE event_id = 'stray-2019'`,
      );
      expect(after).toEqual([{ partition: 'scans_y2019m07' }]);
      await expect(app.db.query(`SELECT 1 FROM scans_default`)).resolves.toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^scans_default holds 1 rows/));
    } finally {
      warn.mockRestore();
    }
  });

  it('is idempotent, and drops nothing with SCAN_RETENTION_DAYS unset', async () => {
    const before = await partitionsOf(app.db, 'scans');
    expect(before).toEqual(expect.arrayContaining(['scans_y2019m07', 'scans_y2020m03']));
    await expect(maintenance().maintain()).resolves.toEqual({ created: [], dropped: [] });
    await expect(maintenance().maintain()).resolves.toEqual({ created: [], dropped: [] });
    await expect(partitionsOf(app.db, 'scans')).resolves.toEqual(before);
  });

  it('drops whole months past SCAN_RETENTION_DAYS, at start-up, and keeps the current ones', async () => {
    const second = await startTestApp({ SCAN_RETENTION_DAYS: '30' }, app.db);
    try {
      for (const table of ['scans', 'rejected_messages']) {
        const partitions = await partitionsOf(app.db, table);
        expect(partitions).toEqual(expect.arrayContaining(upcoming(table)));
        expect(partitions).toContain(`${table}_default`);
        expect(partitions.filter((name) => /_y20(19|20)m/.test(name))).toEqual([]);
      }
      // Their rows went with them: a scan re-sent now would be verified afresh.
      const [{ n }] = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM scans WHERE received_at < '2021-01-01'`,
      );
      expect(n).toBe(0);
      const again = second.dockproof.app.get(ScanPartitionsService);
      await expect(again.maintain()).resolves.toEqual({ created: [], dropped: [] });
    } finally {
      await second.close();
    }
  });
});

describe('migration 1795456800010 with rows already stored', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await dataSourceUntil(db.url, PartitionScansByMonth1795456800010, false);
    await dataSource.runMigrations({ transaction: 'all' });
    await db.query(
      `INSERT INTO scans (event_id, site_id, dock_id, scanner_id, direction, scanned_at,
                          received_at, source, code, status, reason_codes, verdict)
       SELECT 'old-' || n, 'AMS1', 'D1', 'SCN-7', 'inbound', t, t, 'mqtt', 'x', 'verified', '{}',
              '{"status": "verified"}'
         FROM unnest(ARRAY['2024-03-31T23:30:00-02:00', now()::text]::timestamptz[])
              WITH ORDINALITY AS r(t, n)`,
    );
    await db.query(
      `INSERT INTO rejected_messages (received_at, source, topic, reason, payload, payload_bytes,
                                      payload_sha256)
       VALUES ('2024-05-01T00:00:00Z', 'http', 't', 'r', '\\x00', 1, '\\x01'),
              (now(), 'http', 't', 'r', '\\x00', 1, '\\x02')`,
    );
    await dataSource.destroy();
    // Up to this migration only, so that undoing the last one undoes it.
    dataSource = await dataSourceUntil(db.url, PartitionScansByMonth1795456800010, true);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const where = (table: string, key: string) =>
    db.query<{ partition: string; key: string }>(
      `SELECT tableoid::regclass::text AS partition, ${key}::text AS key FROM ${table} ORDER BY 2`,
    );

  it('copies the rows into month partitions from the oldest row’s month on', async () => {
    await dataSource.runMigrations({ transaction: 'all' });
    // 23:30 at UTC-2 on 31 March is 1 April in UTC.
    await expect(where('scans', 'event_id')).resolves.toEqual([
      { partition: 'scans_y2024m04', key: 'old-1' },
      { partition: partitionOf('scans', new Date()), key: 'old-2' },
    ]);
    await expect(where('rejected_messages', 'id')).resolves.toEqual([
      { partition: 'rejected_messages_y2024m05', key: '1' },
      { partition: partitionOf('rejected_messages', new Date()), key: '2' },
    ]);
    const months = await partitionsOf(db, 'scans');
    // The months that hold rows, and this one and the next two; none for the months between.
    expect(months).toEqual(['scans_default', 'scans_y2024m04', ...upcoming('scans')].sort());
    await expect(partitionsOf(db, 'rejected_messages')).resolves.toEqual(
      [
        'rejected_messages_default',
        'rejected_messages_y2024m05',
        ...upcoming('rejected_messages'),
      ].sort(),
    );
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO rejected_messages (received_at, source, topic, reason, payload, payload_bytes,
                                      payload_sha256)
       VALUES (now(), 'http', 't', 'r', '\\x00', 1, '\\x03') RETURNING id::text`,
    );
    expect(id).toBe('3');
  });

  it('down puts the rows back into plain tables, and up again partitions them', async () => {
    await dataSource.undoLastMigration({ transaction: 'all' });
    const kinds = await db.query<{ table: string; kind: string }>(
      `SELECT relname AS table, relkind::text AS kind FROM pg_class
        WHERE relname IN ('scans', 'rejected_messages') ORDER BY 1`,
    );
    expect(kinds).toEqual([
      { table: 'rejected_messages', kind: 'r' },
      { table: 'scans', kind: 'r' },
    ]);
    await expect(where('scans', 'event_id')).resolves.toEqual([
      { partition: 'scans', key: 'old-1' },
      { partition: 'scans', key: 'old-2' },
    ]);
    await expect(where('rejected_messages', 'id')).resolves.toEqual(
      ['1', '2', '3'].map((key) => ({ partition: 'rejected_messages', key })),
    );
    const [{ sequence }] = await db.query<{ sequence: string }>(
      `SELECT pg_get_serial_sequence('rejected_messages', 'id') AS sequence`,
    );
    expect(sequence).toBe('public.rejected_messages_id_seq');

    await dataSource.runMigrations({ transaction: 'all' });
    await expect(where('scans', 'event_id')).resolves.toEqual([
      { partition: 'scans_y2024m04', key: 'old-1' },
      { partition: partitionOf('scans', new Date()), key: 'old-2' },
    ]);
  });
});

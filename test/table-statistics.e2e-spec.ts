import { TableStatisticsService } from '../src/database/table-statistics.service';
import { startTestApp, TestApp } from './support/test-app';

describe('table statistics where PostgreSQL runs without autovacuum', () => {
  let app: TestApp;
  let statistics: TableStatisticsService;

  beforeAll(async () => {
    app = await startTestApp();
    statistics = app.dockproof.app.get(TableStatisticsService);
  });

  afterAll(async () => {
    await app?.close();
  });

  const unitsEstimate = async () =>
    (
      await app.db.query<{ reltuples: number }>(
        `SELECT reltuples FROM pg_class WHERE oid = 'units'::regclass`,
      )
    )[0].reltuples;

  it('ANALYZEs the database: the estimates follow what the tables hold', async () => {
    await app.db.query(
      `INSERT INTO units (gtin, serial, lot, state, site_id, received_event_id, received_at)
       SELECT '09506000134352', 'T' || n, 'LT', 'in', 'AMS1', 'e' || n, now()
         FROM generate_series(1, 5000) n`,
    );
    expect(await statistics.analyze()).toBe(true);
    expect(await unitsEstimate()).toBe(5000);
  });

  it('leaves the round to the instance already running one', async () => {
    await app.db.query('BEGIN');
    try {
      await app.db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        JSON.stringify(['table-statistics']),
      ]);
      expect(await statistics.analyze()).toBe(false);
    } finally {
      await app.db.query('ROLLBACK');
    }
    expect(await statistics.analyze()).toBe(true);
  });
});

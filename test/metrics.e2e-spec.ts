import request from 'supertest';
import { withClient } from '../src/database/with-client';
import { issueKey } from './support/api-keys';
import { scanEvent, SimulatedScanner } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

/** Prometheus text format: `name{labels} value` per sample line. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

describe('metrics and health', () => {
  let app: TestApp;
  let scanner: SimulatedScanner;
  let auditorKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    scanner = await app.connectScanner('AMS1', 'D1');
    auditorKey = await issueKey(app.url, app.adminKey, { role: 'auditor' });
  });

  afterAll(async () => {
    await scanner?.close();
    await app?.close();
  });

  const scrape = async () => {
    const res = await request(app.http)
      .get('/metrics')
      .auth(auditorKey, { type: 'bearer' })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return samples(res.text);
  };
  const change = (before: Map<string, number>, after: Map<string, number>, sample: string) =>
    (after.get(sample) ?? 0) - (before.get(sample) ?? 0);

  it('counts each scan once by status and reason, rejected messages each time, and times every answer', async () => {
    const before = await scrape();
    const event = scanEvent();
    await scanner.scanUntilAnswered([event]);
    const verdict = scanner.verdicts.get(event.eventId)!;
    const received = scanner.messages.length;
    // A re-send is answered from storage; a message that is not JSON is rejected.
    await scanner.publishRaw(JSON.stringify(event));
    await scanner.publishRaw('{"eventId": "half a message",');
    await scanner.until(() => scanner.messages.length >= received + 2, 10_000);
    const after = await scrape();

    const scans = (status: string) => `dockproof_scans_total{source="mqtt",status="${status}"}`;
    expect(change(before, after, scans(verdict.status))).toBe(1);
    expect(change(before, after, scans('rejected'))).toBe(1);
    for (const reason of verdict.reasons)
      expect(change(before, after, `dockproof_scan_reasons_total{reason="${reason.code}"}`)).toBe(
        1,
      );
    expect(change(before, after, 'dockproof_scan_reasons_total{reason="INVALID_PAYLOAD"}')).toBe(1);
    // Three messages answered; each answer is in the histogram, and within its last bucket.
    expect(change(before, after, 'dockproof_scan_answer_seconds_count{source="mqtt"}')).toBe(3);
    expect(
      change(before, after, 'dockproof_scan_answer_seconds_bucket{le="+Inf",source="mqtt"}'),
    ).toBe(3);
  });

  it('reports what is waiting: scans in flight, outbox, webhook backlog, database pool', async () => {
    const now = await scrape();
    expect(now.get('dockproof_scan_messages_in_flight')).toBe(0);
    expect(now.get('dockproof_outbox_depth')).toBeGreaterThanOrEqual(0);
    expect(now.get('dockproof_webhook_backlog')).toBe(0);
    expect(now.get('dockproof_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(now.get('dockproof_db_pool_connections{state="waiting"}')).toBe(0);
    expect(now.has('dockproof_process_resident_memory_bytes')).toBe(true);
    expect(now.has('dockproof_nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('counts the outbox depth from the database', async () => {
    const [{ n }] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    expect((await scrape()).get('dockproof_outbox_depth')).toBe(n);
  });

  it('refuses /metrics to keys other than admin and auditor', async () => {
    await request(app.http).get('/metrics').expect(401);
    const scannerKey = await app.scannerKey();
    await request(app.http).get('/metrics').auth(scannerKey, { type: 'bearer' }).expect(403);
  });

  it('answers liveness, and readiness with the database and broker', async () => {
    const live = await request(app.http).get('/health/live').expect(200);
    const uptime = { status: 'up', uptimeSeconds: expect.any(Number) };
    expect(live.body).toEqual({
      status: 'ok',
      info: { process: uptime },
      error: {},
      details: { process: uptime },
      uptimeSeconds: expect.any(Number),
    });
    const ready = await request(app.http).get('/health/ready').expect(200);
    // Terminus's report, and the summary fields readers used before it.
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, broker: { status: 'up' }, ingestion: { status: 'up' } },
      error: {},
      database: { ready: true },
      broker: { ready: true },
      backlog: 0,
    });
    // The former single endpoint stays readiness.
    expect((await request(app.http).get('/health').expect(200)).body).toMatchObject({
      status: 'ok',
    });
  });

  // Last: it cuts this app's database off for a moment.
  it('answers readiness 503 naming the database while it refuses connections; liveness stays 200', async () => {
    const name = new URL(app.db.url).pathname.slice(1);
    const [{ pid: ownPid }] = await app.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const setConnections = (allowed: boolean) =>
      withClient(process.env.DATABASE_URL!, async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed}`);
        if (!allowed)
          await c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
            [name, ownPid],
          );
      });
    await setConnections(false);
    try {
      const ready = await request(app.http).get('/health/ready').expect(503);
      expect(ready.body).toMatchObject({
        status: 'error',
        error: { database: { status: 'down' } },
        database: { ready: false },
        broker: { ready: true },
      });
      await request(app.http).get('/health').expect(503);
      await request(app.http).get('/health/live').expect(200);
    } finally {
      await setConnections(true);
    }
    // Ready again by itself: the pool reconnects.
    while ((await request(app.http).get('/health/ready')).status !== 200)
      await new Promise((resolve) => setTimeout(resolve, 100));
  });
});

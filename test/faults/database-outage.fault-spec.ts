import { withClient } from '../../src/database/with-client';
import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 10_000;
const OUTAGE_MS = 10_000;

interface Health {
  status: string;
  database: { ready: boolean };
  broker: { ready: boolean };
}

describe('fault: PostgreSQL unavailable mid-burst', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('database-outage', { serials: SCANS });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    `for ${OUTAGE_MS / 1000} s: not ready meanwhile, then catches up and loses nothing`,
    async () => {
      const { scanner, db } = scenario;
      const [instance] = scenario.instances;
      const server = process.env.DATABASE_URL!;
      const name = new URL(db.url).pathname.slice(1);
      const [{ pid: ownPid }] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const { plan, startedAt, answered } = await scenario.burst(SCANS, 1 / 4);

      // The database refuses new connections, and the service's are cut.
      await withClient(server, async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await c.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
          [name, ownPid],
        );
      });
      const health: Array<{ code: number; body: Health; outage: boolean }> = [];
      let outage = true;
      let done = false;
      const polling = (async () => {
        while (!done) {
          const res = await fetch(`${instance.baseUrl}/health`);
          health.push({ code: res.status, body: (await res.json()) as Health, outage });
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const answeredDuringOutage = scanner.verdicts.size;
      await withClient(server, (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
      outage = false;
      const recoveryStartedAt = Date.now();
      await scanner.until(() => scanner.verdicts.size > answeredDuringOutage);
      const recoveredAt = Date.now();
      await answered;
      done = true;
      await polling;

      expect(instance.process.running).toBe(true);
      // Once the cut connections have failed their statements, readiness says no.
      expect(health.some((h) => h.outage && h.code === 503 && !h.body.database.ready)).toBe(true);
      // The broker connections stay up throughout: nothing waits out a keepalive and reconnects.
      expect(health.filter((h) => !h.body.broker.ready)).toEqual([]);
      expect(answeredDuringOutage).toBeLessThan(SCANS);
      const report = await scenario.check('database-outage', plan, {
        startedAt,
        recoveryStartedAt,
        recoveredAt,
      });
      expectNothingLost(report);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

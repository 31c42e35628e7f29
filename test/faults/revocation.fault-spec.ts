import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 10_000;

describe('fault: certificate revoked during a burst', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('revocation', { serials: SCANS });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    'verifies no unit of the batch that arrives after the revocation commits',
    async () => {
      const { db } = scenario;
      const [instance] = scenario.instances;
      const { plan, startedAt, answered } = await scenario.burst(SCANS, 1 / 3);
      const res = await fetch(`${instance.baseUrl}/api/v1/certificates/CERT-F/revoke`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${scenario.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reason: 'counterfeit batch reported by the brand' }),
      });
      expect(res.ok).toBe(true);
      // The response comes after the revocation's commit: whatever arrives from here on is later.
      const revokedAt = new Date();
      await answered;

      const [after] = await db.query<{ verified: number; revoked: number }>(
        `SELECT count(*) FILTER (WHERE status = 'verified')::int AS verified,
              count(*) FILTER (WHERE 'CERTIFICATE_REVOKED' = ANY (reason_codes))::int AS revoked
         FROM scans WHERE received_at >= $1`,
        [revokedAt],
      );
      expect(after.verified).toBe(0);
      expect(after.revoked).toBeGreaterThan(0);
      const [before] = await db.query<{ verified: number }>(
        `SELECT count(*)::int AS verified FROM scans WHERE status = 'verified' AND received_at < $1`,
        [revokedAt],
      );
      expect(before.verified).toBeGreaterThan(0);
      const report = await scenario.check('revocation', plan, { startedAt });
      expectNothingLost(report, { verdictsAsPlanned: false });
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

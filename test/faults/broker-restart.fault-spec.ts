import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 10_000;
const OUTAGE_MS = 3_000;

describe('fault: broker restart mid-burst', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('broker-restart', { serials: SCANS });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    'DockProof reconnects to its sessions and loses nothing',
    async () => {
      const { scanner } = scenario;
      const { plan, startedAt, answered } = await scenario.burst(SCANS, 1 / 4);
      // SIGTERM: Mosquitto saves its persistent sessions and their queued messages, then exits.
      await scenario.broker.stop();
      const answeredBefore = scanner.verdicts.size;
      expect(answeredBefore).toBeLessThan(SCANS);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const recoveryStartedAt = Date.now();
      await scenario.broker.restart();
      await scanner.until(() => scanner.verdicts.size > answeredBefore);
      const recoveredAt = Date.now();
      await answered;

      // The same process throughout: it reconnected rather than restarted.
      const [instance] = scenario.instances;
      expect(instance.process.running).toBe(true);
      const report = await scenario.check('broker-restart', plan, {
        startedAt,
        recoveryStartedAt,
        recoveredAt,
      });
      expectNothingLost(report);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

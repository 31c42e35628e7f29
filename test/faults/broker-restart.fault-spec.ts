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

      // Scans sent well after the restart reach DockProof too: Mosquitto 2.0 restores the
      // persistent sessions without their shared subscriptions, so an instance that trusted the
      // restored session would hear only what was queued before the restart.
      const resent = plan.slice(0, 20).map((p) => p.event);
      const from = scanner.messages.length;
      const answeredAgain = () => {
        const ids = new Set(
          scanner.messages
            .slice(from)
            .flatMap((m) => (Array.isArray(m) ? m : [m]).map((v) => v.eventId)),
        );
        return resent.every((e) => ids.has(e.eventId));
      };
      for (const event of resent) await scanner.publishRaw(JSON.stringify(event));
      await scanner.until(answeredAgain, 30_000);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 10_000;

describe('fault: one of two instances SIGKILLed mid-burst', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('two-instances', { serials: SCANS, instances: 2 });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    'the other and the restarted one finish the work, with the verdicts of a single instance',
    async () => {
      const { scanner } = scenario;
      const { plan, startedAt, answered } = await scenario.burst(SCANS, 1 / 4);
      const [survivor, victim] = scenario.instances;
      await victim.process.kill('SIGKILL');
      const answeredAtKill = scanner.verdicts.size;
      expect(answeredAtKill).toBeLessThan(SCANS);
      // The survivor goes on alone meanwhile; the victim's persistent sessions hold what was its share.
      await scanner.until(() => scanner.verdicts.size > answeredAtKill + 100);
      const recoveryStartedAt = Date.now();
      await scenario.startInstance(victim);
      const answeredAtRestart = scanner.verdicts.size;
      // The restarted instance may have answered its sessions' backlog before it reported ready.
      await scanner.until(
        () => scanner.verdicts.size > answeredAtRestart || scanner.verdicts.size === SCANS,
      );
      const recoveredAt = Date.now();
      await answered;

      expect(survivor.process.running).toBe(true);
      const report = await scenario.check('two-instances', plan, {
        startedAt,
        recoveryStartedAt,
        recoveredAt,
      });
      expectNothingLost(report);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

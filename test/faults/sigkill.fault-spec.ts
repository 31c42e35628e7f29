import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 10_000;

describe('fault: SIGKILL of the service mid-burst', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('sigkill', { serials: SCANS });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    `loses and duplicates nothing of ${SCANS.toLocaleString('en-US')} scans, after a restart`,
    async () => {
      const { plan, startedAt, answered } = await scenario.burst(SCANS, 1 / 4);
      const [instance] = scenario.instances;
      await instance.process.kill('SIGKILL');
      const recoveryStartedAt = Date.now();
      const answeredBeforeCrash = scenario.scanner.verdicts.size;
      expect(answeredBeforeCrash).toBeLessThan(SCANS);

      await scenario.startInstance(instance);
      await scenario.scanner.until(() => scenario.scanner.verdicts.size > answeredBeforeCrash);
      const recoveredAt = Date.now();
      await answered;

      const report = await scenario.check('sigkill', plan, {
        startedAt,
        recoveryStartedAt,
        recoveredAt,
      });
      expectNothingLost(report);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

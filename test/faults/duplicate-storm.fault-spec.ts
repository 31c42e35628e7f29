import { expectNothingLost, FAULT_TEST_TIMEOUT_MS, FaultScenario } from './support/fault-scenario';

const SCANS = 5_000;
const COPIES = 3;
const RUN = 40;

describe('fault: duplicate storm', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('duplicate-storm', {
      serials: SCANS,
      instances: 2,
      subscriberConnections: 64,
    });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    `every scan published ${COPIES} times: stored once, one hold per flag change`,
    async () => {
      const plan = scenario.plan(SCANS);
      const { scanner } = scenario;
      const startedAt = Date.now();
      // Each run of scans is published again right behind itself: a copy lands about a commit
      // after its original, often in a commit that runs beside the original's, so they race.
      const published: Array<Promise<unknown>> = [];
      for (let from = 0; from < plan.length; from += RUN)
        for (let copy = 0; copy < COPIES; copy++)
          for (const { event } of plan.slice(from, from + RUN))
            published.push(scanner.publishRaw(JSON.stringify(event)));
      await Promise.all(published);
      await scanner.scanUntilAnswered(
        plan.map((p) => p.event),
        { timeoutMs: 10_000, deadlineMs: 240_000 },
      );

      const report = await scenario.check('duplicate-storm', plan, { startedAt });
      expectNothingLost(report);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

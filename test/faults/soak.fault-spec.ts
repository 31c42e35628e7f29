import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectNothingLost, FaultScenario, SITE } from './support/fault-scenario';
import { rssMb } from './support/process-memory';

/** CI runs a short soak; `FAULTS_SOAK_SECONDS=600 npm run test:faults` the 10 minutes. */
const SECONDS = Number(process.env.FAULTS_SOAK_SECONDS ?? 60);
const PER_SECOND = 1_000;
/** How long the WMS's webhook receiver takes to answer each delivery. */
const RECEIVER_DELAY_MS = 100;
const SAMPLE_EVERY_MS = 5_000;

interface Sample {
  at: number;
  rssMb: number;
  outboxDepth: number;
  webhookBacklog: number;
}

/** A WMS webhook receiver that answers every delivery late, recording the message ids. */
class SlowReceiver {
  readonly messageIds = new Set<string>();
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        this.messageIds.add(String(req.headers['webhook-id']));
        res.writeHead(204).end();
      }, RECEIVER_DELAY_MS),
    );
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}

describe('fault: soak with a slow webhook receiver', () => {
  let scenario: FaultScenario;
  const receiver = new SlowReceiver();

  beforeAll(async () => {
    scenario = await FaultScenario.start('soak', {
      serials: SECONDS * PER_SECOND,
      // As a deployment would: enough connections for the commit pipeline at this rate.
      subscriberConnections: 128,
      env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_POLL_MS: '200' },
    });
  });

  afterAll(async () => {
    await scenario?.close();
    await receiver.close();
  });

  it(
    `${SECONDS} s at ${PER_SECOND}/s: memory and outbox bounded, every message delivered`,
    async () => {
      const [instance] = scenario.instances;
      const url = await receiver.start();
      const registered = await fetch(`${instance.baseUrl}/api/v1/sites/${SITE}/webhooks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${scenario.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ url }),
      });
      expect(registered.status).toBe(201);

      const plan = scenario.plan(SECONDS * PER_SECOND);
      const { scanner, db } = scenario;
      const samples: Sample[] = [];
      const sample = async () => {
        const [depth] = await db.query<{ outbox: number; webhooks: number }>(
          `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS outbox,
                (SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL)::int AS webhooks`,
        );
        samples.push({
          at: Date.now(),
          rssMb: rssMb(instance.process.pid),
          outboxDepth: depth.outbox,
          webhookBacklog: depth.webhooks,
        });
      };
      const startedAt = Date.now();
      await sample();
      let sent = 0;
      const sentAt: number[] = [];
      const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);
      await new Promise<void>((resolve) => {
        const pacer = setInterval(() => {
          const due = Math.min(
            plan.length,
            Math.floor(((Date.now() - startedAt) / 1000) * PER_SECOND),
          );
          for (; sent < due; sent++) {
            sentAt.push(Date.now());
            void scanner.publishRaw(JSON.stringify(plan[sent].event));
          }
          if (sent === plan.length) {
            clearInterval(pacer);
            resolve();
          }
        }, 5);
      });
      clearInterval(sampler);
      // Each stage's time, and the samples, printed as they come: a run that times out still tells.
      const stage = (name: string) =>
        process.stdout.write(`soak ${name} at ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
      process.stdout.write(`soak samples ${JSON.stringify(samples)}\n`);
      stage('paced');
      // What is in flight is answered first; then anything unanswered is sent again.
      await scanner
        .until(() => scanner.verdicts.size >= plan.length, 60_000)
        .catch(() => undefined);
      stage(`in flight answered (${scanner.verdicts.size} of ${plan.length})`);
      // Answered without a re-send: a backlog that outgrows the scanners' patience fails here.
      const answeredInFlight = scanner.verdicts.size;
      process.stdout.write(
        `soak latency ${JSON.stringify(latencyWindows(plan, sentAt, scanner.answeredAt))}\n`,
      );
      await scanner.scanUntilAnswered(
        plan.map((p) => p.event),
        { timeoutMs: 5_000, deadlineMs: 240_000 },
      );
      stage('all answered');
      const report = await scenario.check('soak', plan, { startedAt });
      stage('checked');
      expectNothingLost(report);

      // Every WMS message of the run reaches the slow receiver too.
      const outbox = (await db.query<{ message_id: string }>('SELECT message_id FROM outbox')).map(
        (m) => m.message_id,
      );
      await scanner.until(() => outbox.every((id) => receiver.messageIds.has(id)), 120_000);
      stage('every message at the webhook receiver');

      // Bounded: the second half of the run needs no more than the first half did, give or take.
      const half = samples.filter((s) => s.at - startedAt > (SECONDS * 1000) / 2);
      const firstHalf = samples.filter((s) => !half.includes(s));
      const max = (list: Sample[], key: keyof Sample) => Math.max(...list.map((s) => s[key]));
      expect(max(half, 'rssMb')).toBeLessThan(max(firstHalf, 'rssMb') * 1.25 + 25);
      expect(max(half, 'outboxDepth')).toBeLessThan(max(firstHalf, 'outboxDepth') * 2 + 1_000);
      expect(max(half, 'webhookBacklog')).toBeLessThan(
        max(firstHalf, 'webhookBacklog') * 2 + 1_000,
      );
      expect(answeredInFlight).toBe(plan.length);
    },
    (SECONDS + 300) * 1000,
  );
});

/** Per twelfth of the sending (at least 5 s): scans sent, answered before any re-send, latency. */
function latencyWindows(
  plan: Array<{ event: { eventId: string } }>,
  sentAt: number[],
  answeredAt: Map<string, number>,
) {
  const windowMs = Math.max(5_000, (SECONDS * 1000) / 12);
  const windows = new Map<number, { sent: number; latencies: number[] }>();
  plan.forEach((p, i) => {
    const from = Math.floor((sentAt[i] - sentAt[0]) / windowMs) * (windowMs / 1000);
    const window = windows.get(from) ?? { sent: 0, latencies: [] };
    windows.set(from, window);
    window.sent++;
    const at = answeredAt.get(p.event.eventId);
    if (at !== undefined) window.latencies.push(at - sentAt[i]);
  });
  return [...windows].map(([fromS, { sent, latencies }]) => {
    const sorted = latencies.sort((a, b) => a - b);
    const ms = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { fromS, sent, answered: sorted.length, p50: ms(0.5), p99: ms(0.99), max: ms(1) };
  });
}

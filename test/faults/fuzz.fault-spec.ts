import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { issueKey } from '../support/api-keys';
import type { VerdictBody } from '../support/scanner';
import { FAULT_TEST_TIMEOUT_MS, FaultScenario, SITE } from './support/fault-scenario';
import { rssMb } from './support/process-memory';

const MQTT_PAYLOADS = 15_000;
const HTTP_PAYLOADS = 5_000;
// Below the scan endpoint's limit of 2,000 requests a second per key.
const HTTP_CONCURRENCY = 16;
const CHUNK = 1_000;

const injection = fc.constantFrom(
  "'; DROP TABLE scans; --",
  "' OR '1'='1",
  'Robert"); DELETE FROM certificates; --',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  '${process.exit(1)}',
  '{{constructor.constructor("return process")().exit()}}',
  '../../../../etc/passwd',
  '\u0000\u0001\u001f',
  '%00%0d%0a',
);
const text = fc.oneof(
  { arbitrary: fc.string(), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  { arbitrary: injection, weight: 3 },
  { arbitrary: fc.string({ minLength: 1_000, maxLength: 5_000 }), weight: 1 },
);
const code = fc.oneof(
  fc.constant('(01)09506000134352(10)LF(21)F000001'),
  fc.nat(999_999).map((n) => `(01)09506000134352(10)LF(21)F${String(n).padStart(6, '0')}`),
  fc.string({ unit: fc.constantFrom(...'0123456789()]GS\u001dd2'.split('')) }),
  text,
);
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const scanLike = fc.record(
  {
    eventId: fc.oneof({ arbitrary: fc.uuid(), weight: 6 }, { arbitrary: anyValue, weight: 1 }),
    scannerId: fc.oneof(
      { arbitrary: fc.constant('SCN-7'), weight: 4 },
      { arbitrary: anyValue, weight: 1 },
    ),
    scannedAt: fc.oneof(
      { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 4 },
      { arbitrary: anyValue, weight: 1 },
    ),
    direction: fc.oneof(
      { arbitrary: fc.constantFrom('inbound', 'outbound'), weight: 4 },
      { arbitrary: anyValue, weight: 1 },
    ),
    code: fc.oneof({ arbitrary: code, weight: 4 }, { arbitrary: anyValue, weight: 1 }),
    palletSscc: fc.option(fc.oneof(fc.constant('106141410000000017'), text)),
  },
  { requiredKeys: [] },
);
/** Written out by hand: JSON.stringify would not write `__proto__` as an own key. */
const polluted = fc
  .tuple(scanLike, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue())
  .map(([scan, key, value]) => {
    const body = JSON.stringify(scan);
    const extra = `"${key}":${JSON.stringify({ polluted: true, isAdmin: true, value })}`;
    return body === '{}' ? `{${extra}}` : `{${extra},${body.slice(1)}`;
  });
const payload: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: scanLike.map((s) => Buffer.from(JSON.stringify(s))), weight: 40 },
  {
    arbitrary: fc.array(scanLike, { maxLength: 30 }).map((a) => Buffer.from(JSON.stringify(a))),
    weight: 8,
  },
  { arbitrary: polluted.map((s) => Buffer.from(s)), weight: 8 },
  { arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), weight: 8 },
  {
    arbitrary: fc
      .integer({ min: 100, max: 20_000 })
      .map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
    weight: 2,
  },
  {
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 300 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from('{"eventId":"'),
          Buffer.from([0xc3, 0x28, 0xff]),
          bytes,
          Buffer.from('"}'),
        ]),
      ),
    weight: 6,
  },
  { arbitrary: fc.string().map((s) => Buffer.from(s)), weight: 4 },
  {
    arbitrary: fc
      .integer({ min: 100_000, max: 1_500_000 })
      .map((n) => Buffer.from(JSON.stringify({ eventId: 'huge', code: 'A'.repeat(n) }))),
    weight: 1,
  },
);

describe('fault: fuzzed payloads over MQTT and HTTP', () => {
  let scenario: FaultScenario;

  beforeAll(async () => {
    scenario = await FaultScenario.start('fuzz', { serials: 1_000 });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(
    `answers or rejects with a reason, and keeps, each of ${(MQTT_PAYLOADS + HTTP_PAYLOADS).toLocaleString('en-US')} payloads`,
    async () => {
      const [instance] = scenario.instances;
      const { scanner, db } = scenario;
      const pid = instance.process.pid;
      const rssBefore = rssMb(pid);
      // Generated and sent a chunk at a time (the same seeds every run), so that the test's own
      // memory stays small: some payloads are megabytes.
      const chunks = (total: number, seed: number) =>
        Array.from(
          { length: Math.ceil(total / CHUNK) },
          (_, i) => () =>
            fc.sample(payload, { numRuns: Math.min(CHUNK, total - i * CHUNK), seed: seed + i }),
        );

      // MQTT: every message gets exactly one verdict message on its dock's verdict topic.
      const sendMqtt = async (total: number, seed: number) => {
        const verdictsBefore = scanner.messages.length;
        let published = 0;
        for (const chunk of chunks(total, seed)) {
          const payloads = chunk();
          await Promise.all(payloads.map((p) => scanner.publishRaw(p)));
          published += payloads.length;
          await scanner.until(() => scanner.messages.length - verdictsBefore >= published, 60_000);
        }
        return {
          published,
          verdicts: scanner.messages
            .slice(verdictsBefore)
            .flatMap((m) => (Array.isArray(m) ? m : [m])),
        };
      };

      // HTTP: an answer below 500 for each, and for a rejected one a reason.
      const scannerKey = await issueKey(instance.baseUrl, scenario.adminKey, {
        role: 'scanner',
        siteIds: [SITE],
      });
      type Answer = { sha: string; bytes: number; status: number; body: unknown };
      const sendHttp = async (total: number, seed: number) => {
        const answers: Answer[] = [];
        for (const chunk of chunks(total, seed)) {
          const payloads = chunk();
          let next = 0;
          await Promise.all(
            Array.from({ length: HTTP_CONCURRENCY }, async () => {
              while (next < payloads.length) {
                const body = payloads[next++];
                const res = await fetch(`${instance.baseUrl}/api/v1/sites/${SITE}/docks/D1/scans`, {
                  method: 'POST',
                  headers: {
                    authorization: `Bearer ${scannerKey}`,
                    'content-type': 'application/json',
                  },
                  body,
                });
                answers.push({
                  sha: createHash('sha256').update(body).digest('hex'),
                  bytes: body.length,
                  status: res.status,
                  body: await res.json().catch(() => null),
                });
              }
            }),
          );
        }
        return answers;
      };

      const { published, verdicts: mqttVerdicts } = await sendMqtt(MQTT_PAYLOADS, 20261202);
      const answers = await sendHttp(HTTP_PAYLOADS, 30261202);

      expect(answers.filter((a) => a.status >= 500 || a.status === 429)).toEqual([]);
      const rejectedHttp = answers.filter((a) => a.status === 400 || a.status === 413);
      for (const a of rejectedHttp) expect(a.body).toMatchObject({ message: expect.any(String) });
      // Kept whole (by its hash), or, over the size limit, its first part with its full size.
      const keptRows = await db.query<{ sha: string; bytes: number }>(
        `SELECT encode(payload_sha256, 'hex') AS sha, payload_bytes AS bytes
         FROM rejected_messages WHERE source = 'http'`,
      );
      const keptHashes = new Set(keptRows.map((r) => r.sha));
      const keptSizes = new Set(keptRows.map((r) => r.bytes));
      const notKept = rejectedHttp.filter((a) =>
        a.status === 413 ? !keptSizes.has(a.bytes) : !keptHashes.has(a.sha),
      );
      expect(notKept).toEqual([]);

      // Every verdict that is not a rejection is of a stored scan; every rejection names its reason.
      const httpVerdicts = answers
        .filter((a) => a.status === 200)
        .flatMap((a) => (Array.isArray(a.body) ? a.body : [a.body])) as VerdictBody[];
      const answered = [...mqttVerdicts, ...httpVerdicts];
      for (const v of answered.filter((v) => v.status === 'rejected'))
        expect(v.reasons[0]?.message).toEqual(expect.any(String));
      const stored = new Set(
        (await db.query<{ event_id: string }>('SELECT event_id FROM scans')).map((r) => r.event_id),
      );
      const unstored = answered.filter((v) => v.status !== 'rejected' && !stored.has(v.eventId!));
      expect(unstored).toEqual([]);
      const [{ rejected }] = await db.query<{ rejected: number }>(
        `SELECT count(*)::int AS rejected FROM rejected_messages WHERE source = 'mqtt'`,
      );
      expect(rejected).toBeGreaterThan(0);

      // The same process throughout, and its memory bounded: a second round of new payloads (a
      // quarter as many) leaves it where the first left it. The first round's rise is the heap's
      // and the allocator's high-water mark, which V8 keeps; a leak would rise again.
      expect(instance.process.running).toBe(true);
      expect(instance.process.pid).toBe(pid);
      const settle = () => new Promise((resolve) => setTimeout(resolve, 5_000));
      await settle();
      const rssAfter = rssMb(pid);
      await sendMqtt(MQTT_PAYLOADS / 4, 40261202);
      await sendHttp(HTTP_PAYLOADS / 4, 50261202);
      await settle();
      const rssAfterSecond = rssMb(pid);
      process.stdout.write(
        `fuzz report ${JSON.stringify({
          mqtt: published,
          http: answers.length,
          verdicts: answered.length,
          httpRejected: rejectedHttp.length,
          mqttRejectedKept: rejected,
          rssBeforeMb: Math.round(rssBefore),
          rssAfterMb: Math.round(rssAfter),
          rssAfterSecondRoundMb: Math.round(rssAfterSecond),
        })}\n`,
      );
      expect(instance.process.pid).toBe(pid);
      expect(rssAfterSecond).toBeLessThan(rssAfter * 1.2 + 30);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});

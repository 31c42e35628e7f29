import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../../src/database/free-port';
import { withCheckDigit } from '../../../src/gs1/check-digit';
import { issueKey } from '../../support/api-keys';
import { certificate, signed, supplierKeys } from '../../support/certificates';
import { scanEvent, ScanEventBody, SimulatedScanner } from '../../support/scanner';
import { serviceEnv, ServiceProcess } from '../../support/service-process';
import { uniqueId } from '../../support/test-app';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { WmsListener } from '../../support/wms-listener';
import { MosquittoProcess } from './mosquitto-process';

export const SITE = 'AMS1';
/** Per fault test: above a burst's own deadline (240 s), so a slow machine fails on the checks. */
export const FAULT_TEST_TIMEOUT_MS = 300_000;
const GTIN = '09506000134352';
const LOT = 'LF';
const SCANS_PER_PALLET = 100;

/**
 * What a burst is made of: mostly first arrivals of certified units, some serials the certificate
 * does not list, and some second arrivals of a unit already received (only one of the two may be
 * verified). The suspicious ones flag their pallet, and each flag sends the WMS a hold.
 */
export type ScanKind = 'certified' | 'uncertified' | 'twin';

export interface PlannedScan {
  event: ScanEventBody;
  kind: ScanKind;
  serial: string;
}

export interface Burst {
  plan: PlannedScan[];
  startedAt: number;
  /** Resolves when every scan of the plan has its verdict. */
  answered: Promise<void>;
}

export interface Instance {
  env: Record<string, string>;
  process: ServiceProcess;
  port: number;
  baseUrl: string;
}

/** The figures the issue asks of each fault, kept in test-artifacts/faults/. */
export interface FaultReport {
  fault: string;
  sent: number;
  stored: number;
  duplicated: number;
  lost: number;
  withoutVerdict: number;
  verifiedTwice: number;
  /** Certified serials none of whose scans was verified (a fault-free run verifies each once). */
  certifiedNotVerified: number;
  /**
   * Scans whose verdict is not the one a single instance without faults gives: uncertified
   * serials suspicious; of a certified serial's scans one verified, the other `DUPLICATE_SERIAL`.
   */
  verdictsDiffering: number;
  flags: number;
  /** Flag items of a scan whose stored verdict is not `suspicious` under that flag. */
  strayFlagItems: number;
  holdsDelivered: number;
  flagsWithoutHold: number;
  repeatedHolds: number;
  recoverySeconds: number | null;
  totalSeconds: number;
}

/**
 * One fault test's world: a Mosquitto of its own with the project's configuration, a database of
 * its own on the machine's PostgreSQL, DockProof instances as child processes sharing one topic
 * prefix and share group, a registry loaded through the API, a dock scanner and a WMS listener.
 */
export class FaultScenario {
  scanner!: SimulatedScanner;
  wms!: WmsListener;
  adminKey!: string;
  private readonly dirs: string[] = [];

  private constructor(
    readonly label: string,
    readonly broker: MosquittoProcess,
    readonly db: TestDatabase,
    readonly instances: Instance[],
  ) {}

  static async start(
    label: string,
    options: {
      /** The certificate's serials: F000001 to this. */
      serials: number;
      instances?: number;
      subscriberConnections?: number;
      /** Settings of the instances beyond the test's own ports, ids and broker. */
      env?: Record<string, string>;
    },
  ): Promise<FaultScenario> {
    const broker = await MosquittoProcess.start();
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), `dockproof-${label}-`));
    const shared = await serviceEnv({
      label,
      databaseUrl: db.url,
      dataDir,
      subscriberConnections: options.subscriberConnections ?? 16,
    });
    const instances: Instance[] = [];
    for (let k = 0; k < (options.instances ?? 1); k++) {
      const port = await findFreePort();
      const env = {
        ...shared,
        ...options.env,
        MQTT_URL: broker.url,
        PORT: String(port),
        DOCKPROOF_INSTANCE_ID: uniqueId(`${label}${k}`),
        DATA_DIR: k === 0 ? dataDir : mkdtempSync(join(tmpdir(), `dockproof-${label}-`)),
      };
      instances.push({
        env,
        port,
        process: new ServiceProcess(env),
        baseUrl: `http://127.0.0.1:${port}`,
      });
    }
    const scenario = new FaultScenario(label, broker, db, instances);
    scenario.dirs.push(...new Set(instances.map((i) => i.env.DATA_DIR)));
    for (const instance of instances) await scenario.startInstance(instance);
    await scenario.loadRegistry(options.serials);
    return scenario;
  }

  get prefix(): string {
    return this.instances[0].env.MQTT_TOPIC_PREFIX;
  }

  /** Starts (or restarts) an instance and waits until it is ready. */
  async startInstance(instance: Instance): Promise<void> {
    instance.process = new ServiceProcess(instance.env).start();
    await instance.process.waitHealthy(instance.port);
  }

  /**
   * `count` scans, one per message: first arrivals of certified serials, with every 50 scans three
   * serials the certificate does not list and three second arrivals of a serial scanned before.
   */
  plan(count: number): PlannedScan[] {
    const scans: PlannedScan[] = [];
    for (let i = 0; i < count; i++) {
      const slot = i % 50;
      const kind: ScanKind = slot < 3 ? 'uncertified' : slot < 6 && i >= 50 ? 'twin' : 'certified';
      const serial =
        kind === 'uncertified'
          ? `X${String(i).padStart(6, '0')}`
          : kind === 'twin'
            ? scans[i - 10].serial
            : `F${String(i + 1).padStart(6, '0')}`;
      const palletSscc = withCheckDigit(
        `1061414${String(Math.floor(i / SCANS_PER_PALLET)).padStart(10, '0')}`,
      );
      scans.push({
        kind,
        serial,
        event: scanEvent({ code: `(01)${GTIN}(10)${LOT}(21)${serial}`, palletSscc }),
      });
    }
    return scans;
  }

  /**
   * Publishes the plan of `count` scans, re-sending what has no verdict as a scanner does, and
   * resolves once `fraction` of them are answered: the moment to inject a fault.
   */
  async burst(count: number, fraction: number): Promise<Burst> {
    const plan = this.plan(count);
    const startedAt = Date.now();
    const answered = this.scanner
      .scanUntilAnswered(
        plan.map((p) => p.event),
        { timeoutMs: 5_000, deadlineMs: 240_000 },
      )
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await this.diagnosis()}`);
      });
    // Without a handler, a rejection while the fault is injected would end the test run.
    answered.catch(() => undefined);
    await this.scanner.until(() => this.scanner.verdicts.size >= count * fraction);
    return { plan, startedAt, answered };
  }

  /**
   * Checks what the issue promises after any fault: every eventId stored once with its verdict
   * and answered, no unit verified twice, every flag's hold delivered to the WMS topic at least
   * once and, messages delivered again aside, no hold that repeats the previous one of its flag.
   */
  async check(
    fault: string,
    plan: PlannedScan[],
    timing: { startedAt: number; recoveredAt?: number; recoveryStartedAt?: number },
  ): Promise<FaultReport> {
    const rows = await this.db.query<{
      event_id: string;
      status: string;
      reason_codes: string[];
      serial: string | null;
      verdict_event: string | null;
    }>(
      `SELECT event_id, status, reason_codes, serial, verdict->>'eventId' AS verdict_event
         FROM scans`,
    );
    const kinds = new Map(plan.map((p) => [p.event.eventId, p.kind]));
    const planned = new Set(plan.map((p) => p.event.eventId));
    const storedIds = new Set(rows.map((r) => r.event_id));
    const verifiedBySerial = new Map<string, number>();
    for (const r of rows)
      if (r.status === 'verified' && r.serial)
        verifiedBySerial.set(r.serial, (verifiedBySerial.get(r.serial) ?? 0) + 1);
    const holds = await this.holdsOfEveryFlag();
    const [{ stray }] = await this.db.query<{ stray: number }>(
      `SELECT count(*)::int AS stray
         FROM flag_items i LEFT JOIN scans s ON s.event_id = i.event_id
        WHERE i.event_id IS NOT NULL
          AND (s.event_id IS NULL OR s.status <> 'suspicious'
               OR s.verdict->>'flagId' IS DISTINCT FROM i.flag_id::text)`,
    );
    const report: FaultReport = {
      fault,
      sent: plan.length,
      stored: rows.filter((r) => planned.has(r.event_id)).length,
      duplicated: rows.length - storedIds.size,
      lost: [...planned].filter((id) => !storedIds.has(id)).length,
      withoutVerdict:
        plan.filter((p) => !this.scanner.verdicts.has(p.event.eventId)).length +
        rows.filter((r) => r.verdict_event !== r.event_id).length,
      verifiedTwice: [...verifiedBySerial.values()].filter((n) => n > 1).length,
      certifiedNotVerified: [
        ...new Set(plan.filter((p) => p.kind !== 'uncertified').map((p) => p.serial)),
      ].filter((serial) => !verifiedBySerial.has(serial)).length,
      verdictsDiffering: rows.filter((r) =>
        kinds.get(r.event_id) === 'uncertified'
          ? r.status !== 'suspicious'
          : r.status !== 'verified' && !r.reason_codes.includes('DUPLICATE_SERIAL'),
      ).length,
      ...holds,
      strayFlagItems: stray,
      recoverySeconds:
        timing.recoveredAt !== undefined && timing.recoveryStartedAt !== undefined
          ? round((timing.recoveredAt - timing.recoveryStartedAt) / 1000)
          : null,
      totalSeconds: round((Date.now() - timing.startedAt) / 1000),
    };
    const dir = join(__dirname, '../../../test-artifacts/faults');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.label}.json`), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`fault report ${JSON.stringify(report)}\n`);
    return report;
  }

  /** The instances' own view and the broker's log, for the message of a failed burst. */
  async diagnosis(): Promise<string> {
    const health = await Promise.all(
      this.instances.map((instance) =>
        fetch(`${instance.baseUrl}/health`)
          .then((res) => res.text())
          .catch((error: unknown) => String(error)),
      ),
    );
    const brokerLog = this.broker.log.split('\n').slice(-40).join('\n');
    return [
      ...health.map((body, k) => `instance ${k} /health: ${body}`),
      ...this.instances.map(
        (instance, k) =>
          `instance ${k} log (last lines):\n${instance.process.log.split('\n').slice(-20).join('\n')}`,
      ),
      `broker log (last lines):\n${brokerLog}`,
    ].join('\n');
  }

  async close(): Promise<void> {
    await this.scanner?.close().catch(() => undefined);
    await this.wms?.close().catch(() => undefined);
    for (const instance of this.instances) await instance.process.kill('SIGKILL');
    // What each instance logged (its last life), beside the report, for a failure's post-mortem.
    const dir = join(__dirname, '../../../test-artifacts/faults');
    mkdirSync(dir, { recursive: true });
    this.instances.forEach((instance, k) =>
      writeFileSync(join(dir, `${this.label}-instance-${k}.log`), instance.process.log),
    );
    await this.broker.remove();
    await this.db.drop();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }

  private async loadRegistry(serials: number): Promise<void> {
    const { baseUrl } = this.instances[0];
    this.adminKey = this.instances[0].env.DOCKPROOF_ADMIN_KEY;
    const admin = { authorization: `Bearer ${this.adminKey}` };
    await post(`${baseUrl}/api/v1/sites`, admin, {
      siteId: SITE,
      name: 'Amsterdam',
      country: 'NL',
    });
    const keys = supplierKeys();
    await post(`${baseUrl}/api/v1/suppliers`, admin, {
      supplierId: 'SUP-F',
      name: 'Supplier F',
      country: 'VN',
      publicKey: keys.publicKeyPem,
    });
    const supplierKey = await issueKey(baseUrl, this.adminKey, {
      role: 'supplier',
      supplierId: 'SUP-F',
    });
    const cert = certificate({
      supplierId: 'SUP-F',
      certificateId: 'CERT-F',
      gtin: GTIN,
      lot: LOT,
      quantity: serials,
      serials: undefined,
      serialRanges: [{ prefix: 'F', start: 1, end: serials, width: 6 }],
    });
    await post(
      `${baseUrl}/api/v1/certificates`,
      { authorization: `Bearer ${supplierKey}` },
      signed(cert, keys),
    );
    const scannerKey = await issueKey(baseUrl, this.adminKey, {
      role: 'scanner',
      siteIds: [SITE],
    });
    const wmsKey = await issueKey(baseUrl, this.adminKey, { role: 'wms', siteIds: [SITE] });
    this.scanner = await SimulatedScanner.connect(
      this.broker.url,
      this.prefix,
      SITE,
      'D1',
      scannerKey,
    );
    this.wms = await WmsListener.connect(this.broker.url, this.prefix, SITE, wmsKey, {
      persistent: true,
    });
  }

  /** Waits (up to a minute) until every flag's hold has arrived, then counts. */
  private async holdsOfEveryFlag(): Promise<
    Pick<FaultReport, 'flags' | 'holdsDelivered' | 'flagsWithoutHold' | 'repeatedHolds'>
  > {
    const flags = (await this.db.query<{ flag_id: string }>('SELECT flag_id FROM flags')).map(
      (f) => f.flag_id,
    );
    const held = () =>
      new Set(this.wms.messages.filter((m) => m.type === 'hold').map((m) => m.flagId));
    const deadline = Date.now() + 60_000;
    while (flags.some((f) => !held().has(f)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = new Set<string>();
    const lastItems = new Map<string, number>();
    let repeatedHolds = 0;
    for (const message of this.wms.messages) {
      if (message.type !== 'hold' || seen.has(message.messageId)) continue;
      seen.add(message.messageId);
      if ((lastItems.get(message.flagId) ?? -1) >= message.items.length) repeatedHolds++;
      lastItems.set(message.flagId, message.items.length);
    }
    const delivered = held();
    return {
      flags: flags.length,
      holdsDelivered: seen.size,
      flagsWithoutHold: flags.filter((f) => !delivered.has(f)).length,
      repeatedHolds,
    };
  }
}

/**
 * The exact checks every fault test ends with; `verdictsAsPlanned: false` where the fault itself
 * changes verdicts (a revocation).
 */
export function expectNothingLost(report: FaultReport, { verdictsAsPlanned = true } = {}): void {
  expect(report).toMatchObject({
    stored: report.sent,
    duplicated: 0,
    lost: 0,
    withoutVerdict: 0,
    verifiedTwice: 0,
    flagsWithoutHold: 0,
    repeatedHolds: 0,
    strayFlagItems: 0,
    ...(verdictsAsPlanned && { certifiedNotVerified: 0, verdictsDiffering: 0 }),
  });
  // The burst's suspicious scans flag their pallets: the hold check is not vacuous.
  expect(report.flags).toBeGreaterThan(0);
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

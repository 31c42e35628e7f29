import { connectAsync, MqttClient } from 'mqtt';
import { sleep } from '../scripts/support/service-api';
import { CpuSample, CpuSpent, cpuSpent } from './cpu';
import type { Lane } from './layout';
import type { Phase } from './options';
import { KINDS, LaneTraffic, PlannedScan, ScanKind, seededRandom, Verdict } from './scan-mix';
import { LatencySummary, summarize } from './stats';

/** PRODUCT.md: a scan without a verdict is published again after 2 s, with back-off. */
const RESEND_AFTER_MS = 2_000;
const RESEND_MAX_MS = 10_000;
const DRAIN_MS = 20_000;

export interface PhaseStats {
  /** Unique scans answered (verified and committed) per second within the measured interval. */
  perSec: number;
  answered: number;
  seconds: number;
  /** Scans first published within the interval, per second, and their mix. */
  offeredPerSec: number;
  kinds: Record<ScanKind, number>;
  /** Publish → verdict of the scans first published within the interval (re-sends included). */
  latency: LatencySummary;
  resent: number;
  /** Scans of the interval still without a verdict after the drain. */
  unanswered: number;
  /** Verdicts other than the scan was built to get (see scan-mix.ts). */
  unexpected: number;
  examples: string[];
  /** CPU time of each process within the interval (ms). */
  cpu?: CpuSpent;
}

interface Message {
  lane: ScannerLane;
  scans: PlannedScan[];
  array: boolean;
  open: number;
  attempt: number;
  resendAt: number;
}

interface Pending {
  scan: PlannedScan;
  message: Message;
  publishedAt: bigint;
  recorder?: Recorder;
}

interface ScannerLane {
  client: MqttClient;
  traffic: LaneTraffic;
  scansTopic: string;
  inFlight: number;
  onFree?: () => void;
}

class Recorder {
  readonly startedAt = process.hrtime.bigint();
  stoppedAt?: bigint;
  cpu?: CpuSpent;
  answered = 0;
  published = 0;
  resent = 0;
  unexpected = 0;
  readonly latencies: number[] = [];
  readonly kinds = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<ScanKind, number>;
  readonly examples: string[] = [];

  get open(): boolean {
    return this.stoppedAt === undefined;
  }

  stats(unanswered: number): PhaseStats {
    const seconds = Number((this.stoppedAt ?? process.hrtime.bigint()) - this.startedAt) / 1e9;
    return {
      perSec: this.answered / seconds,
      answered: this.answered,
      seconds,
      offeredPerSec: this.published / seconds,
      kinds: this.kinds,
      latency: summarize(this.latencies),
      resent: this.resent,
      unanswered,
      unexpected: this.unexpected,
      examples: this.examples,
      cpu: this.cpu,
    };
  }
}

/**
 * Simulated dock scanners, one MQTT connection per lane, behaving as PRODUCT.md's scanners do:
 * QoS 1 publishes, verdicts matched by eventId, and a re-send of whatever has no verdict in time.
 */
export class ScannerFleet {
  private readonly pending = new Map<string, Pending>();
  private readonly messages = new Set<Message>();
  private recorder?: Recorder;
  private resendTimer?: NodeJS.Timeout;
  /** Over the fleet's life, warm-ups included. */
  answered = 0;
  unexpected = 0;
  strayVerdicts = 0;
  publishErrors = 0;

  private constructor(
    private readonly lanes: ScannerLane[],
    private readonly cpu?: () => CpuSample,
  ) {
    this.resendTimer = setInterval(() => this.resendOverdue(), 100);
  }

  static async connect(options: {
    url: string;
    prefix: string;
    lanes: Lane[];
    runTag: string;
    /** Each lane's scanner key for its site, or one set of credentials for every lane. */
    scannerKeys?: Map<string, string>;
    credentials?: { username: string; password: string };
    cpu?: () => CpuSample;
  }): Promise<ScannerFleet> {
    const { url, prefix, runTag } = options;
    const lanes = await Promise.all(
      options.lanes.map(async (lane): Promise<ScannerLane> => {
        const client = await connectAsync(url, {
          clientId: `${runTag}-${lane.scannerId}`,
          username: options.credentials?.username ?? lane.scannerId,
          password: options.credentials?.password ?? options.scannerKeys?.get(lane.siteId),
          protocolVersion: 4,
          reconnectPeriod: 1_000,
          connectTimeout: 10_000,
        });
        const dock = `${prefix}sites/${lane.siteId}/docks/${lane.dockId}`;
        await client.subscribeAsync(`${dock}/verdicts`, { qos: 1 });
        const traffic = new LaneTraffic(lane, runTag, seededRandom(7919 * (lane.index + 1)));
        return { client, traffic, scansTopic: `${dock}/scans`, inFlight: 0 };
      }),
    );
    const fleet = new ScannerFleet(lanes, options.cpu);
    for (const lane of lanes)
      lane.client.on('message', (_topic, payload) => fleet.onVerdicts(payload));
    return fleet;
  }

  /** Keeps `window` messages of `batchSize` scans in flight per connection. */
  async saturate(phase: Phase, window: number, batchSize: number): Promise<PhaseStats> {
    let running = true;
    const fill = (lane: ScannerLane) => {
      while (running && lane.inFlight < window) this.send(lane, batchSize);
    };
    for (const lane of this.lanes) {
      lane.onFree = () => fill(lane);
      fill(lane);
    }
    return this.measure(phase, () => {
      running = false;
      for (const lane of this.lanes) lane.onFree = undefined;
    });
  }

  /** Publishes single scans at `perSec` in all, round robin over the connections. */
  async pace(phase: Phase, perSec: number): Promise<PhaseStats> {
    const started = performance.now();
    let sent = 0;
    let next = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * perSec) - sent;
      for (let i = 0; i < due; i++, sent++) this.send(this.lanes[next++ % this.lanes.length], 1);
    }, 1);
    return this.measure(phase, () => clearInterval(timer));
  }

  async close(): Promise<void> {
    if (!this.resendTimer) return;
    clearInterval(this.resendTimer);
    this.resendTimer = undefined;
    await Promise.all(this.lanes.map((lane) => lane.client.endAsync(true)));
  }

  /** Warm-up, the measured interval, then `stopSending` and a drain of what is in flight. */
  private async measure(phase: Phase, stopSending: () => void): Promise<PhaseStats> {
    await sleep(phase.warmupMs);
    const recorder = new Recorder();
    const cpuBefore = this.cpu?.();
    this.recorder = recorder;
    await sleep(phase.measureMs);
    recorder.stoppedAt = process.hrtime.bigint();
    this.recorder = undefined;
    if (cpuBefore) recorder.cpu = cpuSpent(cpuBefore, this.cpu!());
    stopSending();
    await this.drain();
    const unanswered = [...this.pending.values()].filter((p) => p.recorder === recorder).length;
    return recorder.stats(unanswered);
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_MS;
    while (this.pending.size && Date.now() < deadline) await sleep(20);
  }

  private send(lane: ScannerLane, batchSize: number): void {
    const scans = Array.from({ length: batchSize }, () => lane.traffic.next());
    const message: Message = {
      lane,
      scans,
      array: batchSize > 1,
      open: scans.length,
      attempt: 0,
      resendAt: Date.now() + RESEND_AFTER_MS,
    };
    const publishedAt = process.hrtime.bigint();
    const recorder = this.recorder;
    for (const scan of scans) {
      this.pending.set(scan.event.eventId, { scan, message, publishedAt, recorder });
      if (recorder) recorder.kinds[scan.kind]++;
    }
    if (recorder) recorder.published += scans.length;
    this.messages.add(message);
    lane.inFlight++;
    this.publish(message, scans);
  }

  private publish(message: Message, scans: PlannedScan[]): void {
    const events = scans.map((s) => s.event);
    const payload = JSON.stringify(message.array ? events : events[0]);
    message.lane.client.publish(message.lane.scansTopic, payload, { qos: 1 }, (error) => {
      if (error) this.publishErrors++;
    });
  }

  private onVerdicts(payload: Buffer): void {
    const now = process.hrtime.bigint();
    const body = JSON.parse(payload.toString()) as Verdict | Verdict[];
    for (const verdict of Array.isArray(body) ? body : [body]) {
      const pending = verdict.eventId ? this.pending.get(verdict.eventId) : undefined;
      if (!pending) {
        this.strayVerdicts++;
        continue;
      }
      this.pending.delete(verdict.eventId!);
      this.book(pending, verdict, now);
      const { message } = pending;
      if (--message.open === 0) {
        this.messages.delete(message);
        message.lane.inFlight--;
        message.lane.onFree?.();
      }
    }
  }

  private book(pending: Pending, verdict: Verdict, now: bigint): void {
    const ok = pending.message.lane.traffic.settle(pending.scan, verdict);
    this.answered++;
    if (!ok) this.unexpected++;
    const current = this.recorder;
    if (current && now >= current.startedAt) current.answered++;
    const measured = pending.recorder;
    if (!measured) return;
    measured.latencies.push(Number(now - pending.publishedAt) / 1e6);
    if (ok) return;
    measured.unexpected++;
    if (measured.examples.length < 5) {
      const reasons = verdict.reasons.map((r) => r.code).join(',');
      measured.examples.push(
        `${pending.scan.kind} ${pending.scan.event.code}: ${verdict.status} ${reasons}`,
      );
    }
  }

  private resendOverdue(): void {
    const now = Date.now();
    for (const message of this.messages) {
      if (message.resendAt > now) continue;
      const open = message.scans.filter((s) => this.pending.has(s.event.eventId));
      message.attempt++;
      message.resendAt = now + Math.min(RESEND_AFTER_MS * 2 ** message.attempt, RESEND_MAX_MS);
      for (const scan of open) {
        const recorder = this.pending.get(scan.event.eventId)!.recorder;
        if (recorder) recorder.resent++;
      }
      this.publish(message, open);
    }
  }
}

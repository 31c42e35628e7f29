import type { ScanEvent } from '../src/ingestion/scan-event.schema';
import type { Verdict } from '../src/verification/verdict';
import { Batch, EXPIRES_ON, Lane, serialOf } from './layout';

// The contract's own types: what scanners send and what they get back.
export type { ScanEvent } from '../src/ingestion/scan-event.schema';
export type { Verdict } from '../src/verification/verdict';

/**
 * What a scan is meant to test, and the verdict that proves it did: units of certified batches in
 * (and, once in stock, out again: verified), clones of units in stock (DUPLICATE_SERIAL), serials
 * the certificate does not list (SERIAL_NOT_CERTIFIED) and codes with a wrong check digit
 * (INVALID_BARCODE).
 */
export const KINDS = ['in', 'out', 'duplicate', 'uncertified', 'badBarcode'] as const;
export type ScanKind = (typeof KINDS)[number];

const EXPECTED: Record<ScanKind, { status: Verdict['status']; reason?: string }> = {
  in: { status: 'verified' },
  out: { status: 'verified' },
  duplicate: { status: 'suspicious', reason: 'DUPLICATE_SERIAL' },
  uncertified: { status: 'suspicious', reason: 'SERIAL_NOT_CERTIFIED' },
  badBarcode: { status: 'suspicious', reason: 'INVALID_BARCODE' },
};

interface Unit {
  batch: Batch;
  serial: string;
}

export interface PlannedScan {
  event: ScanEvent;
  kind: ScanKind;
  unit?: Unit;
}

/** Units a lane keeps in stock before it starts sending them out again (in and out ≈ 50/50). */
const STOCK_TARGET = 200;
/** Units held by duplicate flags; further duplicates re-scan these, so few serials are used up. */
const HELD = 4;
/** A pallet's units are consecutive serials of one batch. */
const PALLET_UNITS = 100;
const YYMMDD = EXPIRES_ON.slice(2).replaceAll('-', '');

/**
 * The scans of one simulated scanner: ~85 % valid units, ~5 % duplicates, ~5 % uncertified
 * serials, ~5 % bad barcodes. Units leave again once the lane holds STOCK_TARGET of them, and
 * a unit that left may arrive again, so a registry of 10,000 serials lasts any run.
 */
export class LaneTraffic {
  private readonly fresh: number[];
  private readonly returned: Unit[] = [];
  private readonly stock: Unit[] = [];
  private readonly held: Unit[] = [];
  private current = 0;
  private palletLeft = 0;
  private seq = 0;
  private uncertified = 0;

  constructor(
    readonly lane: Lane,
    private readonly runTag: string,
    private readonly random: () => number,
  ) {
    this.fresh = lane.batches.map(() => 0);
  }

  next(): PlannedScan {
    const r = this.random();
    if (r < 0.05) return this.badBarcode();
    if (r < 0.1) return this.uncertifiedSerial();
    if (r < 0.15 && this.held.length + this.stock.length > 0) return this.duplicate();
    if (this.stock.length >= STOCK_TARGET) return this.outbound();
    const unit = this.arriving();
    if (unit) return this.scan('in', 'inbound', unit, unit.serial, this.lane.palletSscc);
    return this.stock.length ? this.outbound() : this.uncertifiedSerial();
  }

  /** Books the verdict; false when it is not the one the scan was meant to get. */
  settle(scan: PlannedScan, verdict: Verdict): boolean {
    const expected = EXPECTED[scan.kind];
    const ok =
      verdict.status === expected.status &&
      (!expected.reason || verdict.reasons.some((r) => r.code === expected.reason));
    if (ok && scan.unit && scan.kind === 'in') this.stock.push(scan.unit);
    if (ok && scan.unit && scan.kind === 'out') this.returned.push(scan.unit);
    return ok;
  }

  private duplicate(): PlannedScan {
    if (this.held.length < HELD && this.stock.length) this.held.push(this.stock.shift()!);
    const unit = this.held[Math.floor(this.random() * this.held.length)];
    return this.scan('duplicate', 'inbound', unit, unit.serial);
  }

  private outbound(): PlannedScan {
    const unit = this.stock.shift()!;
    return this.scan('out', 'outbound', unit, unit.serial);
  }

  private uncertifiedSerial(): PlannedScan {
    const batch = this.lane.batches[this.current];
    const serial = `U${String(this.lane.index).padStart(2, '0')}${String(this.uncertified++).padStart(6, '0')}`;
    return this.scan('uncertified', 'inbound', { batch, serial }, serial);
  }

  private badBarcode(): PlannedScan {
    const batch = this.lane.batches[this.current];
    const check = (Number(batch.gtin.at(-1)) + 1) % 10;
    const gtin = batch.gtin.slice(0, -1) + String(check);
    const code = `(01)${gtin}(17)${YYMMDD}(10)${batch.lot}(21)${serialOf(batch.serialBase)}`;
    return { kind: 'badBarcode', event: this.event('inbound', code) };
  }

  /** The next unit off the current pallet: a fresh serial, else one that left earlier. */
  private arriving(): Unit | undefined {
    const { batches } = this.lane;
    if (this.palletLeft <= 0 || this.fresh[this.current] >= batches[this.current].count) {
      this.palletLeft = PALLET_UNITS;
      const open = batches.map((_, i) => i).filter((i) => this.fresh[i] < batches[i].count);
      if (open.length) this.current = open[Math.floor(this.random() * open.length)];
    }
    this.palletLeft--;
    const batch = batches[this.current];
    if (this.fresh[this.current] < batch.count) {
      return { batch, serial: serialOf(batch.serialBase + this.fresh[this.current]++) };
    }
    return this.returned.shift();
  }

  private scan(
    kind: ScanKind,
    direction: ScanEvent['direction'],
    unit: Unit,
    serial: string,
    palletSscc?: string,
  ): PlannedScan {
    const event = this.event(direction, codeOf(unit.batch, serial, this.seq), palletSscc);
    return { kind, event, unit };
  }

  private event(direction: ScanEvent['direction'], code: string, palletSscc?: string): ScanEvent {
    const event: ScanEvent = {
      eventId: `${this.runTag}-${this.lane.index}-${this.seq++}`,
      scannerId: this.lane.scannerId,
      scannedAt: new Date().toISOString(),
      direction,
      code,
    };
    if (palletSscc) event.palletSscc = palletSscc;
    return event;
  }
}

/** A typical scan message of a lane (one event or an array), for the broker baseline. */
export function sampleMessage(lane: Lane, events: number): string {
  const traffic = new LaneTraffic(lane, 'sample', seededRandom(1));
  const scans = Array.from({ length: events }, () => traffic.next().event);
  return JSON.stringify(events === 1 ? scans[0] : scans);
}

/** The forms scanners send: mostly bracketed element strings, some raw with GS, some Digital Link. */
function codeOf(batch: Batch, serial: string, seq: number): string {
  const form = seq % 10;
  if (form < 7) return `(01)${batch.gtin}(17)${YYMMDD}(10)${batch.lot}(21)${serial}`;
  if (form < 9) return `]d201${batch.gtin}17${YYMMDD}10${batch.lot}\u001d21${serial}`;
  return `https://id.gs1.org/01/${batch.gtin}/10/${batch.lot}/21/${serial}?17=${YYMMDD}`;
}

/** A seeded generator (mulberry32), so every run sends the same mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

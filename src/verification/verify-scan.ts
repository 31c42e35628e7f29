import type { Gs1ParseResult } from '../gs1/parse-gs1';
import { misreadReason, RepairedReading } from './scanner-repairs';
import { InboundUnitFacts, inboundUnitReasons } from './unit-rules';
import type { Reason, VerdictItem } from './verdict';

export interface ScanToVerify {
  direction: 'inbound' | 'outbound';
  barcode: Gs1ParseResult;
}

/** What was looked up for one scan before verification. */
export interface ScanFacts {
  /** For an inbound unit. */
  inbound?: InboundUnitFacts;
  /** For an outbound unit with a serial: did it pass an inbound dock of this site? */
  receivedHere?: boolean;
  /** For an outbound unit with a serial: the open or quarantined flag that holds it, if any. */
  heldBy?: string;
  /** For an inbound pallet label: does a manifest for this site announce it? */
  palletAnnounced?: boolean;
  /** A reading of a failed or unknown code that a known scanner fault explains and that is certified. */
  misread?: RepairedReading;
}

export interface VerificationOutcome {
  status: 'verified' | 'suspicious';
  reasons: Reason[];
  item?: VerdictItem;
  /** The flag that already holds the unit (ON_HOLD): the verdict names it, no new flag is raised. */
  heldBy?: string;
  /** The certificate the unit was held against: evidence for a flag, and whose supplier it is. */
  certificate?: { certificateId: string; supplierId: string };
}

/** Pure: the same scan, facts and scan date (YYYY-MM-DD) always give the same outcome. */
export function verifyScan(
  scan: ScanToVerify,
  facts: ScanFacts,
  scanDate: string,
): VerificationOutcome {
  const { barcode } = scan;
  if (!barcode.ok) {
    return suspicious([
      facts.misread ? misreadReason(facts.misread) : invalidBarcode(barcode.error),
    ]);
  }
  if (barcode.kind === 'pallet') {
    const item = { sscc: barcode.sscc };
    if (scan.direction === 'outbound' || facts.palletAnnounced !== false) {
      return { status: 'verified', reasons: [], item };
    }
    const message = `pallet ${barcode.sscc} is on no manifest for this site`;
    return suspicious([{ code: 'UNEXPECTED_PALLET', message }], item);
  }
  const item = itemOf(barcode);
  const reasons = unitReasons(scan, item, facts, scanDate);
  if (!reasons.length) return { status: 'verified', reasons, item };
  const cert = scan.direction === 'inbound' ? facts.inbound?.certificate : null;
  return {
    ...suspicious(reasons, item),
    ...(scan.direction === 'outbound' && facts.heldBy && { heldBy: facts.heldBy }),
    ...(cert && {
      certificate: { certificateId: cert.certificateId, supplierId: cert.supplierId },
    }),
  };
}

function unitReasons(
  scan: ScanToVerify,
  item: VerdictItem & { gtin: string },
  facts: ScanFacts,
  scanDate: string,
): Reason[] {
  if (scan.direction === 'outbound') return outboundReasons(item, facts);
  if (!facts.inbound) return [];
  const reasons = inboundUnitReasons(item, facts.inbound, scanDate);
  if (!facts.misread || !reasons.some(isNotFound)) return reasons;
  // The misread explains why the code matched nothing; what else applies (a duplicate, a pallet
  // that does not list it) still stands.
  return [misreadReason(facts.misread), ...reasons.filter((r) => !isNotFound(r))];
}

const isNotFound = (r: Reason) => r.code === 'UNKNOWN_BATCH' || r.code === 'SERIAL_NOT_CERTIFIED';

function outboundReasons(item: VerdictItem & { gtin: string }, facts: ScanFacts): Reason[] {
  if (!item.serial) return [];
  const unit = `GTIN ${item.gtin} serial ${item.serial}`;
  const reasons: Reason[] = [];
  if (facts.heldBy)
    reasons.push({
      code: 'ON_HOLD',
      message: `${unit} is held by flag ${facts.heldBy}: it must not leave until a supervisor releases it`,
    });
  if (facts.receivedHere === false)
    reasons.push({
      code: 'NOT_RECEIVED',
      message: `${unit} never passed an inbound dock of this site`,
    });
  return reasons;
}

function invalidBarcode(error: string): Reason {
  return { code: 'INVALID_BARCODE', message: error };
}

function itemOf(unit: {
  gtin: string;
  lot?: string;
  serial?: string;
  expiry?: string;
}): VerdictItem & { gtin: string } {
  const item: VerdictItem & { gtin: string } = { gtin: unit.gtin };
  if (unit.lot !== undefined) item.lot = unit.lot;
  if (unit.serial !== undefined) item.serial = unit.serial;
  if (unit.expiry !== undefined) item.expiry = unit.expiry;
  return item;
}

function suspicious(reasons: Reason[], item?: VerdictItem): VerificationOutcome {
  return item ? { status: 'suspicious', reasons, item } : { status: 'suspicious', reasons };
}

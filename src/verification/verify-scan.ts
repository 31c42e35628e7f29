import type { Gs1ParseResult } from '../gs1/parse-gs1';
import type { Reason, VerdictItem } from './verdict';

export interface ScanToVerify {
  direction: 'inbound' | 'outbound';
  barcode: Gs1ParseResult;
}

export interface CertificateFact {
  certificateId: string;
  supplierId: string;
  gtin: string;
  lot: string;
}

/** What the registry holds about one scanned unit, looked up before verification. */
export interface ScanFacts {
  certificates: CertificateFact[];
}

export interface VerificationOutcome {
  status: 'verified' | 'suspicious';
  reasons: Reason[];
  item?: VerdictItem;
}

/** Pure: the same scan, facts and time always give the same outcome. */
export function verifyScan(scan: ScanToVerify, facts: ScanFacts): VerificationOutcome {
  const { barcode } = scan;
  if (!barcode.ok) {
    return suspicious([{ code: 'INVALID_BARCODE', message: barcode.error }]);
  }
  if (barcode.kind === 'pallet') {
    return { status: 'verified', reasons: [], item: { sscc: barcode.sscc } };
  }
  const item = itemOf(barcode);
  const reasons = scan.direction === 'inbound' ? batchReasons(item, facts) : [];
  return reasons.length ? suspicious(reasons, item) : { status: 'verified', reasons, item };
}

function batchReasons(item: VerdictItem, facts: ScanFacts): Reason[] {
  if (facts.certificates.length > 0) return [];
  const what = item.lot
    ? `GTIN ${item.gtin} lot ${item.lot}`
    : `GTIN ${item.gtin} serial ${item.serial ?? '(none)'}`;
  return [{ code: 'UNKNOWN_BATCH', message: `no supplier certificate covers ${what}` }];
}

function itemOf(unit: {
  gtin: string;
  lot?: string;
  serial?: string;
  expiry?: string;
}): VerdictItem {
  const item: VerdictItem = { gtin: unit.gtin };
  if (unit.lot !== undefined) item.lot = unit.lot;
  if (unit.serial !== undefined) item.serial = unit.serial;
  if (unit.expiry !== undefined) item.expiry = unit.expiry;
  return item;
}

function suspicious(reasons: Reason[], item?: VerdictItem): VerificationOutcome {
  return item ? { status: 'suspicious', reasons, item } : { status: 'suspicious', reasons };
}

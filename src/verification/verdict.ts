/** Reason codes of PRODUCT.md; later rules add theirs here, and nothing else decides them. */
export type ReasonCode =
  | 'INVALID_PAYLOAD'
  | 'INVALID_BARCODE'
  | 'SCANNER_MISREAD'
  | 'UNKNOWN_BATCH'
  | 'CERTIFICATE_REVOKED'
  | 'SUPPLIER_SUSPENDED'
  | 'SERIAL_NOT_CERTIFIED'
  | 'QUANTITY_EXCEEDED'
  | 'EXPIRY_MISMATCH'
  | 'BATCH_EXPIRED'
  | 'DUPLICATE_SERIAL'
  | 'NO_IP_CLEARANCE'
  | 'IP_CLEARANCE_EXPIRED'
  | 'NOT_ON_MANIFEST'
  | 'UNEXPECTED_PALLET'
  | 'NOT_RECEIVED'
  | 'ON_HOLD';

export interface Reason {
  code: ReasonCode;
  message: string;
}

export interface VerdictItem {
  gtin?: string;
  lot?: string;
  serial?: string;
  expiry?: string;
  sscc?: string;
}

export type VerdictStatus = 'verified' | 'suspicious' | 'rejected';

/** The answer a scanner receives for one scan event, exactly as published. */
export interface Verdict {
  eventId: string | null;
  status: VerdictStatus;
  reasons: Reason[];
  item?: VerdictItem;
  flagId: string | null;
  verifiedAt: string;
}

export function rejectedVerdict(eventId: string | null, message: string, now: Date): Verdict {
  return {
    eventId,
    status: 'rejected',
    reasons: [{ code: 'INVALID_PAYLOAD', message }],
    flagId: null,
    verifiedAt: now.toISOString(),
  };
}

/** A verdict read back from storage, in the field order it was first published with. */
export function orderedVerdict(stored: Verdict): Verdict {
  const { eventId, status, reasons, item, flagId, verifiedAt } = stored;
  return { eventId, status, reasons, ...(item && { item: orderedItem(item) }), flagId, verifiedAt };
}

function orderedItem({ gtin, lot, serial, expiry, sscc }: VerdictItem): VerdictItem {
  return JSON.parse(JSON.stringify({ gtin, lot, serial, expiry, sscc })) as VerdictItem;
}

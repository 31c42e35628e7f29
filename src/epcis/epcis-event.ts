import { createHash } from 'node:crypto';

/** A stored scan as the export reads it. */
export interface EpcisScanRow {
  eventId: string;
  siteId: string;
  dockId: string;
  direction: 'inbound' | 'outbound';
  /** UTC with microseconds, as PostgreSQL keeps it: `2026-11-22T08:15:02.123000Z`. */
  scannedAt: string;
  receivedAt: Date;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  sscc: string | null;
  status: 'verified' | 'suspicious';
}

export type EpcisDisposition = 'in_progress' | 'in_transit' | 'non_conformant';

export interface EpcisQuantityElement {
  epcClass: string;
  quantity: number;
}

export interface EpcisObjectEvent {
  type: 'ObjectEvent';
  eventTime: string;
  eventTimeZoneOffset: string;
  recordTime: string;
  eventID: string;
  epcList?: string[];
  quantityList?: EpcisQuantityElement[];
  action: 'OBSERVE';
  bizStep: 'receiving' | 'shipping';
  disposition: EpcisDisposition;
  readPoint: { id: string };
  bizLocation: { id: string };
}

export interface EpcisQueryDocument {
  '@context': string;
  type: 'EPCISQueryDocument';
  schemaVersion: '2.0';
  creationDate: string;
  epcisBody: {
    queryResults: { queryName: 'SimpleEventQuery'; resultsBody: { eventList: EpcisObjectEvent[] } };
  };
}

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const DIGITAL_LINK = 'https://id.gs1.org';
// DockProof has no GLNs for its sites and docks; these URNs name them until it does.
const LOCATION_URN = 'urn:dockproof:site';

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One ObjectEvent per scan: what was seen, where and when, as verification judged it at that
 * moment. Null for a code that names no GTIN or SSCC, which leaves nothing to observe.
 */
export function toObjectEvent(scan: EpcisScanRow): EpcisObjectEvent | null {
  const what = observedObjects(scan);
  if (!what) return null;
  return {
    type: 'ObjectEvent',
    eventTime: eventTime(scan.scannedAt),
    // Scanners' own offsets are not stored (scanned_at is an instant), so times are given in UTC.
    eventTimeZoneOffset: '+00:00',
    recordTime: scan.receivedAt.toISOString(),
    eventID: eventIdUri(scan.eventId),
    ...what,
    action: 'OBSERVE',
    bizStep: scan.direction === 'inbound' ? 'receiving' : 'shipping',
    disposition: disposition(scan),
    readPoint: { id: `${LOCATION_URN}:${scan.siteId}:dock:${scan.dockId}` },
    bizLocation: { id: `${LOCATION_URN}:${scan.siteId}` },
  };
}

export function epcisQueryDocument(
  eventList: EpcisObjectEvent[],
  creationDate: Date,
): EpcisQueryDocument {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList } } },
  };
}

/**
 * A scanner's eventId as a URI: a lower-case UUID as `urn:uuid:`, anything else as the RFC 6920
 * name of its SHA-256. Not the CBV event hash (that hashes the event's content, not the scanner's
 * key), so it carries no `?ver=CBV2.0`; the two forms cannot collide, so distinct eventIds stay
 * distinct.
 */
export function eventIdUri(eventId: string): string {
  if (CANONICAL_UUID.test(eventId)) return `urn:uuid:${eventId}`;
  return `ni:///sha-256;${createHash('sha256').update(eventId).digest('base64url')}`;
}

/** GS1 Digital Link URIs: EPCIS 2.0 takes them for EPCs, and they need no company prefix length. */
function observedObjects(
  scan: EpcisScanRow,
): Pick<EpcisObjectEvent, 'epcList' | 'quantityList'> | null {
  if (scan.sscc) return { epcList: [`${DIGITAL_LINK}/00/${scan.sscc}`] };
  if (!scan.gtin) return null;
  const gtin = `${DIGITAL_LINK}/01/${scan.gtin}`;
  if (scan.serial) return { epcList: [`${gtin}/21/${digitalLinkValue(scan.serial)}`] };
  const epcClass = scan.lot ? `${gtin}/10/${digitalLinkValue(scan.lot)}` : gtin;
  return { quantityList: [{ epcClass, quantity: 1 }] };
}

/**
 * The CBV 2.0 disposition the scan's verdict stands for. A later release or quarantine of the
 * flag does not change it: an EPCIS event records what held when it happened.
 */
function disposition(scan: EpcisScanRow): EpcisDisposition {
  if (scan.status === 'suspicious') return 'non_conformant';
  return scan.direction === 'inbound' ? 'in_progress' : 'in_transit';
}

/** Milliseconds unless the scanner sent finer. */
function eventTime(scannedAt: string): string {
  return scannedAt.replace(/(\.\d{3})000Z$/, '$1Z');
}

// GS1 Digital Link percent-encodes everything outside RFC 3986's unreserved characters.
function digitalLinkValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

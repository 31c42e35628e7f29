import { describeIssues } from '../common/describe-issues';
import { MAX_EVENTS_PER_MESSAGE, ScanEvent, scanEventSchema } from './scan-event.schema';
import { DockAddress, parseScanTopic } from './scan-topic';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type DecodedEntry =
  | { kind: 'scan'; event: ScanEvent }
  | { kind: 'rejected'; eventId: string | null; reason: string; raw: Buffer; rawBytes: number };

export interface DecodedMessage {
  dock: DockAddress | null;
  /** Verdicts go back as an array exactly when the scans came as one. */
  isArray: boolean;
  entries: DecodedEntry[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Pure and total: raw bytes of one scans message → its scan events, or the reasons they are
 * unusable. It never throws: a message it cannot take apart is rejected whole, with the reason.
 */
export function decodeScanMessage(
  topic: string,
  payload: Buffer,
  prefix: string,
  size = payload.length,
): DecodedMessage {
  try {
    return decode(topic, payload, prefix, size);
  } catch (error) {
    // Valid JSON can still defeat the validation, e.g. arrays nested thousands deep overflow the
    // stack (RangeError); failing here would fail every message committed with this one.
    const why = error instanceof RangeError ? 'it is nested too deeply' : String(error);
    return {
      dock: parseScanTopic(topic, prefix),
      isArray: false,
      entries: [
        {
          kind: 'rejected',
          eventId: null,
          reason: `payload could not be decoded: ${why}`,
          raw: payload,
          rawBytes: size,
        },
      ],
    };
  }
}

function decode(topic: string, payload: Buffer, prefix: string, size: number): DecodedMessage {
  const dock = parseScanTopic(topic, prefix);
  const reject = (reason: string, eventId: string | null = null): DecodedMessage => ({
    dock,
    isArray: false,
    entries: [{ kind: 'rejected', eventId, reason, raw: payload, rawBytes: size }],
  });
  if (!dock)
    return reject(`topic ${topic} is not sites/{siteId}/docks/{dockId}/scans with valid ids`);
  if (size > MAX_MESSAGE_BYTES) {
    return reject(`payload is ${size} bytes, over the limit of ${MAX_MESSAGE_BYTES}`);
  }
  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(payload);
  } catch {
    return reject('payload is not valid UTF-8');
  }
  try {
    body = JSON.parse(text);
  } catch {
    return reject('payload is not valid JSON');
  }
  if (!Array.isArray(body)) {
    const entry = decodeEvent(body, '', payload.subarray(0, size));
    return { dock, isArray: false, entries: [entry] };
  }
  if (body.length === 0) return reject('payload is an empty array');
  if (body.length > MAX_EVENTS_PER_MESSAGE) {
    return reject(`payload has ${body.length} events, over the limit of ${MAX_EVENTS_PER_MESSAGE}`);
  }
  const entries = body.map((element, i) =>
    decodeEvent(element, `[${i}]`, Buffer.from(JSON.stringify(element) ?? 'null')),
  );
  return { dock, isArray: true, entries };
}

function decodeEvent(body: unknown, path: string, raw: Buffer): DecodedEntry {
  const result = scanEventSchema.safeParse(body);
  if (result.success) return { kind: 'scan', event: result.data };
  return {
    kind: 'rejected',
    eventId: readableEventId(body),
    reason: describeIssues(result.error.issues, body, path),
    raw,
    rawBytes: raw.length,
  };
}

function readableEventId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('eventId' in body)) return null;
  const { eventId } = body as { eventId: unknown };
  // Only one a scanner could have meant: the schema's printable ASCII (no NUL for PostgreSQL).
  return typeof eventId === 'string' && /^[\u0021-\u007e]{1,128}$/.test(eventId) ? eventId : null;
}

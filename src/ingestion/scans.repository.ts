import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statement';
import { orderedVerdict, Verdict } from '../verification/verdict';

export interface ScanRow {
  eventId: string;
  siteId: string;
  dockId: string;
  scannerId: string;
  direction: 'inbound' | 'outbound';
  scannedAt: string;
  receivedAt: Date;
  source: 'mqtt' | 'http';
  code: string;
  palletSscc: string | null;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  expiry: string | null;
  sscc: string | null;
  verdict: Verdict;
}

export interface RejectedRow {
  receivedAt: Date;
  source: 'mqtt' | 'http';
  topic: string;
  eventId: string | null;
  reason: string;
  payload: Buffer;
  totalBytes: number;
  /** Of the whole payload when `payload` is only its first part; otherwise computed here. */
  sha256?: Buffer;
}

/** Rejected payloads are kept for inspection up to this many bytes; the full size is recorded. */
export const REJECTED_PAYLOAD_KEEP_BYTES = 64 * 1024;

const INSERT_SCANS = prepared<{ event_id: string }>(
  'scans.insert_new',
  // The verdicts go as one JSON array: a jsonb[] parameter would be escaped element by element.
  `INSERT INTO scans (event_id, site_id, dock_id, scanner_id, direction, scanned_at, received_at,
                     source, code, pallet_sscc, gtin, lot, serial, expiry, sscc, status,
                     reason_codes, verdict)
   SELECT e, si, d, sc, dir, sa, ra, src, code, ps, g, l, se, ex, ss, st, string_to_array(rc, ','),
          $18::jsonb -> (n - 1)::int
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                 $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                 $13::text[], $14::date[], $15::text[], $16::text[], $17::text[])
          WITH ORDINALITY AS t(e, si, d, sc, dir, sa, ra, src, code, ps, g, l, se, ex, ss, st, rc, n)
   ON CONFLICT DO NOTHING
   RETURNING event_id`,
);

// Without a received_at it probes each month's partition by its primary key (event_id first):
// one index look-up per month kept, which monthly partitions keep to a few dozen.
const FIND_VERDICTS = prepared<{ event_id: string; verdict: Verdict }>(
  'scans.find_verdicts',
  `SELECT event_id, verdict FROM scans WHERE event_id = ANY($1::text[])`,
);

const LOCK_KEYS = prepared(
  'scans.lock_keys',
  `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
     FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`,
);

/** Set-based writes: one statement per table per commit, whatever the batch size. */
@Injectable()
export class ScansRepository {
  /**
   * Locks the eventIds until the transaction ends, waiting for any other transaction holding one;
   * sorted, so that two commits never deadlock. Take them before any other lock of a commit.
   */
  async lockEventIds(db: EntityManager, eventIds: string[]): Promise<void> {
    if (!eventIds.length) return;
    // JSON, like the batch locks' keys, and tagged so that the two cannot meet.
    const keys = [...new Set(eventIds)].map((id) => JSON.stringify(['scan', id])).sort();
    await LOCK_KEYS.run(db, [keys]);
  }

  /** Inserts the scans not stored yet; returns the event ids it inserted. */
  async insertNew(db: EntityManager, rows: ScanRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const column = <K extends keyof ScanRow>(key: K) => rows.map((r) => r[key]);
    const inserted = await INSERT_SCANS.run(db, [
      column('eventId'),
      column('siteId'),
      column('dockId'),
      column('scannerId'),
      column('direction'),
      column('scannedAt'),
      column('receivedAt'),
      column('source'),
      column('code'),
      column('palletSscc'),
      column('gtin'),
      column('lot'),
      column('serial'),
      column('expiry'),
      column('sscc'),
      rows.map((r) => r.verdict.status),
      rows.map((r) => r.verdict.reasons.map((reason) => reason.code).join(',')),
      JSON.stringify(rows.map((r) => r.verdict)),
    ]);
    return new Set(inserted.map((r) => r.event_id));
  }

  async findVerdicts(db: EntityManager, eventIds: string[]): Promise<Map<string, Verdict>> {
    if (!eventIds.length) return new Map();
    const rows = await FIND_VERDICTS.run(db, [eventIds]);
    return new Map(rows.map((r) => [r.event_id, orderedVerdict(r.verdict)]));
  }

  /**
   * The same rejected payload on the same topic is kept once, like a re-sent scan. No unique
   * constraint can say so across month partitions, so a lock per payload does: a copy that waits
   * for it inserts once the first has committed, in a statement (read committed) that sees it.
   * The look-up probes every month's partition, like findVerdicts.
   */
  async insertRejected(db: EntityManager, rows: RejectedRow[]): Promise<void> {
    if (!rows.length) return;
    const topics = rows.map((r) => storableText(r.topic));
    const hashes = rows.map((r) => r.sha256 ?? createHash('sha256').update(r.payload).digest());
    // Tagged like the eventIds' keys, so the two cannot meet; taken last in a commit, and sorted.
    const keys = rows.map((r, i) =>
      JSON.stringify(['rejected', r.source, topics[i], hashes[i].toString('hex')]),
    );
    await LOCK_KEYS.run(db, [[...new Set(keys)].sort()]);
    await db.query(
      `INSERT INTO rejected_messages (received_at, source, topic, event_id, reason, payload,
                                      payload_bytes, payload_sha256)
       SELECT ra, src, topic, e, reason, payload, bytes, sha
         FROM (SELECT DISTINCT ON (src, topic, sha) *
                 FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
                             $6::bytea[], $7::int[], $8::bytea[])
                      WITH ORDINALITY AS t(ra, src, topic, e, reason, payload, bytes, sha, n)
                ORDER BY src, topic, sha, n) AS incoming
        WHERE NOT EXISTS (SELECT 1 FROM rejected_messages r
                           WHERE r.source = incoming.src AND r.topic = incoming.topic
                             AND r.payload_sha256 = incoming.sha)
        ORDER BY n`,
      [
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.source),
        topics,
        rows.map((r) => r.eventId && storableText(r.eventId)),
        rows.map((r) => storableText(r.reason)),
        rows.map((r) => r.payload.subarray(0, REJECTED_PAYLOAD_KEEP_BYTES)),
        rows.map((r) => r.totalBytes),
        hashes,
      ],
    );
  }
}

/**
 * PostgreSQL text cannot hold NUL, which a reason quoting the bad input, or a topic taken from a
 * URL, may carry: shown as U+FFFD instead (the payload itself is kept as bytes).
 */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd');
}

import type { EntityManager } from 'typeorm';
import type { SerialRange } from './serial-ranges';

/** Rows per INSERT: a million serials go in as a few array parameters, not a million statements. */
const CHUNK = 100_000;

const INSERT_SERIALS = `
  INSERT INTO certificate_serials (gtin, serial, certificate_id)
  SELECT $1, serial, $2 FROM unnest($3::text[]) AS s(serial)`;

const INSERT_RANGES = `
  INSERT INTO certificate_serial_ranges
    (certificate_id, ordinal, gtin, prefix, range_start, range_end, width)
  SELECT $1, r.ordinal, $2, r.prefix, r.range_start, r.range_end, r.width
    FROM unnest($3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::int[])
      AS r(ordinal, prefix, range_start, range_end, width)`;

export interface CertifiedBatch {
  certificateId: string;
  gtin: string;
}

export async function insertSerials(
  db: EntityManager,
  batch: CertifiedBatch,
  serials: readonly string[],
): Promise<void> {
  for (let from = 0; from < serials.length; from += CHUNK) {
    const chunk = serials.slice(from, from + CHUNK);
    await db.query(INSERT_SERIALS, [batch.gtin, batch.certificateId, chunk]);
  }
}

export async function insertRanges(
  db: EntityManager,
  batch: CertifiedBatch,
  ranges: readonly SerialRange[],
): Promise<void> {
  if (ranges.length === 0) return;
  await db.query(INSERT_RANGES, [
    batch.certificateId,
    batch.gtin,
    ranges.map((_range, i) => i),
    ranges.map((r) => r.prefix),
    ranges.map((r) => r.start),
    ranges.map((r) => r.end),
    ranges.map((r) => r.width),
  ]);
}

export async function findRanges(db: EntityManager, certificateId: string): Promise<SerialRange[]> {
  const rows: Array<{ prefix: string; start: string; end: string; width: number }> = await db.query(
    `SELECT prefix, range_start::text AS start, range_end::text AS "end", width
         FROM certificate_serial_ranges WHERE certificate_id = $1 ORDER BY ordinal`,
    [certificateId],
  );
  return rows.map((r) => ({
    prefix: r.prefix,
    start: Number(r.start),
    end: Number(r.end),
    width: r.width,
  }));
}

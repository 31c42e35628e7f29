import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Reason } from '../verification/verdict';
import { prepared } from '../database/prepared-statement';

export type FlagStatus = 'open' | 'released' | 'quarantined';

/** A suspicious unit, pallet label or unreadable code about to join a flag. */
export interface NewFlagItem {
  /** The scan that found it; null for units flagged by a revocation. */
  eventId: string | null;
  siteId: string;
  palletSscc: string | null;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  sscc: string | null;
  code: string | null;
  reasons: Reason[];
  supplierId: string | null;
  certificateId: string | null;
}

/** An item as stored: where it is belongs to its flag. */
export type FlagItemRecord = Omit<NewFlagItem, 'siteId' | 'palletSscc'> & { addedAt: Date };

export interface FlagRecord {
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  status: FlagStatus;
  openedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  note: string | null;
  items: FlagItemRecord[];
}

export interface FlagQuery {
  siteIds: string[] | null;
  status: FlagStatus | null;
  /** Oldest first: flags opened after this (openedAt, flagId). */
  after: { openedAt: string; flagId: string } | null;
  limit: number;
}

const FLAG_COLUMNS = `flag_id AS "flagId", site_id AS "siteId", pallet_sscc AS "palletSscc", status,
  opened_at AS "openedAt", updated_at AS "updatedAt", resolved_at AS "resolvedAt",
  resolved_by AS "resolvedBy", note`;

type FlagRow = Omit<FlagRecord, 'items'>;

/** Flags changed per look at the live stream; more wait for the next look. */
export const CHANGES_PAGE = 500;

const OPEN_PALLET_FLAGS = prepared<{ flag_id: string; site_id: string; pallet_sscc: string }>(
  'flags.open_pallet_flags',
  `INSERT INTO flags (flag_id, site_id, pallet_sscc, status, opened_at, updated_at)
   SELECT id, s, p, 'open', $4, $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, s, p)
   ON CONFLICT (site_id, pallet_sscc) WHERE status = 'open' AND pallet_sscc IS NOT NULL
   DO UPDATE SET updated_at = EXCLUDED.updated_at
   RETURNING flag_id, site_id, pallet_sscc`,
);

const ITEM_COLUMNS = `flag_id AS "flagId", event_id AS "eventId", gtin, lot, serial, sscc, code,
  reasons, supplier_id AS "supplierId", certificate_id AS "certificateId", added_at AS "addedAt"`;

const ADD_ITEMS = prepared<FlagItemRecord & { flagId: string }>(
  'flags.add_items',
  // The flags of their own come first in the same statement: foreign keys are checked at its end.
  // The statement's snapshot holds the flags' earlier items; the new ones come from RETURNING.
  `WITH own AS (
     INSERT INTO flags (flag_id, site_id, pallet_sscc, status, opened_at, updated_at)
     SELECT id, s, NULL, 'open', $11, $11 FROM unnest($12::uuid[], $13::text[]) AS t(id, s)
     ON CONFLICT (flag_id) DO UPDATE SET updated_at = EXCLUDED.updated_at),
   added AS (
     INSERT INTO flag_items
       (flag_id, event_id, gtin, lot, serial, sscc, code, reasons, supplier_id, certificate_id, added_at)
     SELECT f, e, g, l, s, ss, c, r::jsonb, su, ce, $11
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                   $7::text[], $8::text[], $9::text[], $10::text[])
         AS t(f, e, g, l, s, ss, c, r, su, ce)
     ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING
     RETURNING *)
   SELECT ${ITEM_COLUMNS} FROM (
     SELECT * FROM flag_items WHERE flag_id = ANY($1::uuid[]) UNION ALL SELECT * FROM added) i
    ORDER BY item_id`,
);

const loadFlags = (lock: string) =>
  `SELECT ${FLAG_COLUMNS} FROM flags WHERE flag_id = ANY($1::uuid[])${lock}`;

const LOAD_FLAGS = {
  plain: prepared<FlagRow>('flags.load', loadFlags('')),
  forUpdate: prepared<FlagRow>('flags.load_for_update', loadFlags(' FOR UPDATE')),
};

const LOAD_ITEMS = prepared<FlagItemRecord & { flagId: string }>(
  'flags.load_items',
  `SELECT ${ITEM_COLUMNS} FROM flag_items WHERE flag_id = ANY($1::uuid[]) ORDER BY item_id`,
);

/** The flags tables: set-based statements for whole batches of suspicious scans. */
@Injectable()
export class FlagsRepository {
  /**
   * The open flag of each (site, pallet), opened when there is none. Concurrent scans of one
   * pallet meet on the partial unique index and grow the same flag.
   */
  async openPalletFlags(
    db: EntityManager,
    pallets: Array<{ newFlagId: string; siteId: string; palletSscc: string }>,
    at: Date,
  ): Promise<Map<string, string>> {
    if (!pallets.length) return new Map();
    const rows = await OPEN_PALLET_FLAGS.run(db, [
      pallets.map((p) => p.newFlagId),
      pallets.map((p) => p.siteId),
      pallets.map((p) => p.palletSscc),
      at,
    ]);
    return new Map(rows.map((r) => [palletKey(r.site_id, r.pallet_sscc), r.flag_id]));
  }

  /**
   * Adds the items to their flags, opening the flags of their own (no pallet; an id that exists
   * already, from a raced scan, is reused); answers every item of those flags, earlier ones too.
   */
  async addItems(
    db: EntityManager,
    items: Array<NewFlagItem & { flagId: string }>,
    ownFlags: Array<{ flagId: string; siteId: string }>,
    at: Date,
  ): Promise<Map<string, FlagItemRecord[]>> {
    if (!items.length) return new Map();
    const column = <K extends keyof NewFlagItem>(key: K) => items.map((i) => i[key]);
    const rows = await ADD_ITEMS.run(db, [
      items.map((i) => i.flagId),
      column('eventId'),
      column('gtin'),
      column('lot'),
      column('serial'),
      column('sscc'),
      column('code'),
      items.map((i) => JSON.stringify(i.reasons)),
      column('supplierId'),
      column('certificateId'),
      at,
      ownFlags.map((f) => f.flagId),
      ownFlags.map((f) => f.siteId),
    ]);
    return itemsByFlag(rows);
  }

  /** The flags with all their items, in the order of `flagIds`; unknown ids are left out. */
  async load(db: EntityManager, flagIds: string[], forUpdate = false): Promise<FlagRecord[]> {
    if (!flagIds.length) return [];
    const flags = await LOAD_FLAGS[forUpdate ? 'forUpdate' : 'plain'].run(db, [flagIds]);
    const items = itemsByFlag(await LOAD_ITEMS.run(db, [flagIds]));
    const byId = new Map(flags.map((f) => [f.flagId, { ...f, items: items.get(f.flagId) ?? [] }]));
    return flagIds.flatMap((id) => byId.get(id) ?? []);
  }

  async find(db: EntityManager, query: FlagQuery): Promise<FlagRecord[]> {
    const rows: Array<{ flagId: string }> = await db.query(
      `SELECT flag_id AS "flagId" FROM flags
        WHERE ($1::text[] IS NULL OR site_id = ANY($1::text[]))
          AND ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (opened_at, flag_id) > ($3::timestamptz, $4::uuid))
        ORDER BY opened_at, flag_id LIMIT $5`,
      [
        query.siteIds,
        query.status,
        query.after?.openedAt ?? null,
        query.after?.flagId ?? null,
        query.limit,
      ],
    );
    return this.load(
      db,
      rows.map((r) => r.flagId),
    );
  }

  /** Flags of these sites changed since `since`, for the live stream. */
  async changedSince(
    db: EntityManager,
    siteIds: string[] | null,
    since: Date,
  ): Promise<FlagRecord[]> {
    const rows: Array<{ flagId: string }> = await db.query(
      `SELECT flag_id AS "flagId" FROM flags
        WHERE ($1::text[] IS NULL OR site_id = ANY($1::text[])) AND updated_at > $2
        ORDER BY updated_at, flag_id LIMIT $3`,
      [siteIds, since, CHANGES_PAGE],
    );
    return this.load(
      db,
      rows.map((r) => r.flagId),
    );
  }

  async resolve(
    db: EntityManager,
    flagId: string,
    resolution: { status: FlagStatus; by: string; note: string; at: Date },
  ): Promise<void> {
    await db.query(
      `UPDATE flags SET status = $2, resolved_by = $3, note = $4, resolved_at = $5, updated_at = $5
        WHERE flag_id = $1`,
      [flagId, resolution.status, resolution.by, resolution.note, resolution.at],
    );
  }

  /**
   * Units of a batch that were received, have not left and are not held already (a unit on an
   * open or quarantined flag stays where it is rather than appearing twice).
   */
  unheldUnitsInStock(
    db: EntityManager,
    batch: { gtin: string; lot: string },
  ): Promise<Array<{ siteId: string; palletSscc: string | null; serial: string }>> {
    return db.query(
      `SELECT u.site_id AS "siteId", u.pallet_sscc AS "palletSscc", u.serial FROM units u
        WHERE u.gtin = $1 AND u.lot = $2 AND u.state = 'in'
          AND NOT EXISTS (SELECT 1 FROM flag_items i JOIN flags f ON f.flag_id = i.flag_id
                           WHERE i.gtin = u.gtin AND i.serial = u.serial
                             AND f.status IN ('open', 'quarantined'))
        ORDER BY u.site_id, u.pallet_sscc, u.serial`,
      [batch.gtin, batch.lot],
    );
  }
}

function itemsByFlag(
  rows: Array<FlagItemRecord & { flagId: string }>,
): Map<string, FlagItemRecord[]> {
  const byFlag = new Map<string, FlagItemRecord[]>();
  for (const { flagId, ...item } of rows) {
    const list = byFlag.get(flagId);
    if (list) list.push(item);
    else byFlag.set(flagId, [item]);
  }
  return byFlag;
}

export function palletKey(siteId: string, palletSscc: string): string {
  return `${siteId}\u0000${palletSscc}`;
}

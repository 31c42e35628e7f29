import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { unitKey } from './unit-movements.repository';
import { prepared } from '../database/prepared-statement';

const HELD_UNITS = prepared<{ gtin: string; serial: string; flag_id: string }>(
  'verification.held_units',
  `SELECT DISTINCT ON (i.gtin, i.serial) i.gtin, i.serial, i.flag_id
    FROM flag_items i
    JOIN unnest($1::text[], $2::text[]) AS u(gtin, serial) ON i.gtin = u.gtin AND i.serial = u.serial
    JOIN flags f ON f.flag_id = i.flag_id AND f.status IN ('open', 'quarantined')
   ORDER BY i.gtin, i.serial, i.item_id DESC`,
);

/** Which units are held: on a flag that is open or quarantined (a released flag holds nothing). */
@Injectable()
export class HoldFactsRepository {
  /** `unitKey` → the flag holding the unit; of several, the most recent. */
  async heldUnits(
    db: EntityManager,
    units: Array<{ gtin: string; serial: string }>,
  ): Promise<Map<string, string>> {
    if (!units.length) return new Map();
    const rows = await HELD_UNITS.run(db, [units.map((u) => u.gtin), units.map((u) => u.serial)]);
    return new Map(rows.map((r) => [unitKey(r), r.flag_id]));
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

// As for an outbound scan (verification/outbound-facts.repository.ts), without the site: a
// partner asks about the unit wherever DockProof holds it. A released flag holds nothing.
const HELD_BY = `
  SELECT i.flag_id FROM flag_items i
    JOIN flags f ON f.flag_id = i.flag_id AND f.status IN ('open', 'quarantined')
   WHERE i.gtin = $1 AND i.serial = $2
   ORDER BY i.item_id DESC LIMIT 1`;

@Injectable()
export class HeldUnitsRepository {
  /** The open or quarantined flag that holds this GTIN + serial at any site, if any. */
  async heldBy(db: EntityManager, gtin: string, serial: string): Promise<string | null> {
    const rows: Array<{ flag_id: string }> = await db.query(HELD_BY, [gtin, serial]);
    return rows[0]?.flag_id ?? null;
  }
}

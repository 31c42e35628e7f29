import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statement';

export interface OutboundUnit {
  siteId: string;
  gtin: string;
  serial: string;
}

export interface OutboundFacts {
  /** The unit passed an inbound dock of this site. */
  receivedHere: boolean;
  /** The flag holding the unit (open or quarantined; a released flag holds nothing); of several, the most recent. */
  heldBy: string | undefined;
}

const OUTBOUND_FACTS = prepared<{ received_here: boolean; held_by: string | null }>(
  'verification.outbound_facts',
  `SELECT EXISTS (SELECT 1 FROM unit_site_receipts r
                   WHERE r.site_id = q.site_id AND r.gtin = q.gtin AND r.serial = q.serial) AS received_here,
          (SELECT i.flag_id FROM flag_items i
             JOIN flags f ON f.flag_id = i.flag_id AND f.status IN ('open', 'quarantined')
            WHERE i.gtin = q.gtin AND i.serial = q.serial
            ORDER BY i.item_id DESC LIMIT 1) AS held_by
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS q(site_id, gtin, serial, n)
    ORDER BY q.n`,
);

/** What an outbound scan of a serialised unit is checked against, for a whole batch in one statement. */
@Injectable()
export class OutboundFactsRepository {
  async find(db: EntityManager, units: OutboundUnit[]): Promise<OutboundFacts[]> {
    if (!units.length) return [];
    const rows = await OUTBOUND_FACTS.run(db, [
      units.map((u) => u.siteId),
      units.map((u) => u.gtin),
      units.map((u) => u.serial),
    ]);
    return rows.map((r) => ({ receivedHere: r.received_here, heldBy: r.held_by ?? undefined }));
  }
}

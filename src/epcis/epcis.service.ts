import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { SITE_SCOPED_ROLES } from '../auth/roles';
import { EpcisEventsRepository } from './epcis-events.repository';
import { epcisQueryDocument, EpcisQueryDocument, toObjectEvent } from './epcis-event';
import { DEFAULT_EVENTS_PER_PAGE, encodePageToken, EpcisEventsQuery } from './epcis-query.dto';

export interface EpcisPage {
  document: EpcisQueryDocument;
  /** Null on the last page. */
  nextPageToken: string | null;
  perPage: number;
}

/** A site's scans as EPCIS 2.0 events, a page at a time. */
@Injectable()
export class EpcisService {
  constructor(private readonly events: EpcisEventsRepository) {}

  async page(principal: Principal, query: EpcisEventsQuery): Promise<EpcisPage> {
    // Scope first, as the flags do: a key learns nothing about sites that are not its own.
    if (SITE_SCOPED_ROLES.includes(principal.role) && !principal.siteIds.includes(query.siteId))
      throw new ForbiddenException(`this key is not for site ${query.siteId}`);
    if (!(await this.events.siteExists(query.siteId)))
      throw new NotFoundException(`site ${query.siteId} does not exist`);
    const perPage = query.perPage ?? DEFAULT_EVENTS_PER_PAGE;
    // One row more than the page says whether another page follows.
    const rows = await this.events.page({
      siteId: query.siteId,
      from: query.from ?? null,
      to: query.to ?? null,
      after: query.nextPageToken ?? null,
      limit: perPage + 1,
    });
    const scans = rows.slice(0, perPage);
    const last = scans.at(-1);
    return {
      document: epcisQueryDocument(
        scans.flatMap((scan) => toObjectEvent(scan) ?? []),
        new Date(),
      ),
      nextPageToken: rows.length > perPage && last ? encodePageToken(last) : null,
      perPage,
    };
  }
}

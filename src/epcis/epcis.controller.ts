import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import type { EpcisQueryDocument } from './epcis-event';
import { EpcisEventsQuery, epcisEventsQuerySchema } from './epcis-query.dto';
import { EpcisService } from './epcis.service';

const EVENTS_PATH = '/api/v1/epcis/events';

@Controller('api/v1/epcis')
export class EpcisController {
  constructor(private readonly epcis: EpcisService) {}

  /** Pages as the EPCIS 2.0 REST binding has them: `perPage`, `nextPageToken`, `Link: rel="next"`. */
  @Get('events')
  @Access('admin', 'auditor', 'compliance', 'supervisor', 'wms')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(epcisEventsQuerySchema)) query: EpcisEventsQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EpcisQueryDocument> {
    const { document, nextPageToken, perPage } = await this.epcis.page(principal, query);
    res.setHeader('GS1-EPCIS-Version', '2.0.0');
    res.setHeader('GS1-CBV-Version', '2.0.0');
    if (nextPageToken) {
      const next = new URLSearchParams({ siteId: query.siteId });
      if (query.from) next.set('from', query.from);
      if (query.to) next.set('to', query.to);
      next.set('perPage', String(perPage));
      next.set('nextPageToken', nextPageToken);
      res.links({ next: `${EVENTS_PATH}?${next.toString()}` });
    }
    return document;
  }
}

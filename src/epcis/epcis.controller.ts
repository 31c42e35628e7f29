import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import type { EpcisQueryDocument } from './epcis-event';
import { EpcisEventsQueryDto, epcisEventsQuerySchema } from './epcis-query.dto';
import { EpcisService } from './epcis.service';

const EVENTS_PATH = '/api/v1/epcis/events';

const QUERY_DOCUMENT_EXAMPLE: EpcisQueryDocument = {
  '@context': 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  type: 'EPCISQueryDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-22T09:00:00.000Z',
  epcisBody: {
    queryResults: {
      queryName: 'SimpleEventQuery',
      resultsBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2026-11-22T08:15:02.123Z',
            eventTimeZoneOffset: '+00:00',
            recordTime: '2026-11-22T08:15:02.140Z',
            eventID: 'urn:uuid:101e3d8a-03e5-4f5f-985a-2533721640f8',
            epcList: ['https://id.gs1.org/01/09506000134352/21/SN0001'],
            action: 'OBSERVE',
            bizStep: 'receiving',
            disposition: 'in_progress',
            readPoint: { id: 'urn:dockproof:site:AMS1:dock:D1' },
            bizLocation: { id: 'urn:dockproof:site:AMS1' },
          },
        ],
      },
    },
  },
};

@ApiTags('EPCIS')
@Controller('api/v1/epcis')
export class EpcisController {
  constructor(private readonly epcis: EpcisService) {}

  /** Pages as the EPCIS 2.0 REST binding has them: `perPage`, `nextPageToken`, `Link: rel="next"`. */
  @Get('events')
  @ApiOperation({
    summary: "A site's scans as EPCIS 2.0 ObjectEvents",
    description:
      'Oldest first, keyset-paginated as the EPCIS 2.0 REST binding has it: `perPage`, and the ' +
      'next page in a `Link: <…>; rel="next"` header.',
  })
  @ApiResponse({
    status: HttpStatus.OK,
    description: 'An EPCIS 2.0 query document (GS1 EPCIS JSON-LD).',
    schema: { type: 'object', required: ['@context', 'type', 'schemaVersion', 'epcisBody'] },
    example: QUERY_DOCUMENT_EXAMPLE,
  })
  @ApiErrorResponses(400, 404)
  @Access('admin', 'auditor', 'compliance', 'supervisor', 'wms')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(epcisEventsQuerySchema)) query: EpcisEventsQueryDto,
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

import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import type { EvidenceBundle } from './flag-evidence-bundle';
import { EVIDENCE_HTML_CSP, renderEvidenceHtml } from './flag-evidence-html';
import { EVIDENCE_EXAMPLE, EvidenceQueryDto, evidenceQuerySchema } from './flag-evidence.dto';
import { FlagEvidenceService } from './flag-evidence.service';
import { FlagStreamService } from './flag-stream.service';
import { FlagDetailView, FlagView, toFlagView } from './flag-view';
import {
  encodeCursor,
  FLAG_EXAMPLE,
  FlagDetailDto,
  FlagListQueryDto,
  flagListQuerySchema,
  FlagPageDto,
  FlagStreamQueryDto,
  flagStreamQuerySchema,
  FlagViewDto,
  ResolveFlagDto,
  resolveFlagSchema,
} from './flags.dto';
import { FlagsService } from './flags.service';

const DEFAULT_PAGE = 50;
const FLAG_ID = { name: 'flagId', example: FLAG_EXAMPLE.flagId };

@ApiTags('Flags')
@Controller('api/v1/flags')
export class FlagsController {
  constructor(
    private readonly flags: FlagsService,
    private readonly streams: FlagStreamService,
    private readonly evidence: FlagEvidenceService,
  ) {}

  /** Oldest first, so the queue shows what has waited longest at the top. */
  @Get()
  @ApiOperation({ summary: 'List flags, oldest first' })
  @ApiResponse({ status: HttpStatus.OK, type: FlagPageDto })
  @ApiErrorResponses(400)
  @Access('supervisor', 'admin')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(flagListQuerySchema)) query: FlagListQueryDto,
  ): Promise<{ items: FlagView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const { flags, hasMore } = await this.flags.list(principal, {
      siteId: query.siteId,
      status: query.status ?? null,
      after: query.after ?? null,
      limit,
    });
    const last = flags.at(-1);
    return {
      items: flags.map(toFlagView),
      nextCursor: hasMore && last ? encodeCursor(last.openedAt, last.flagId) : null,
    };
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Follow flags as they open, grow and are resolved (server-sent events)',
    description: 'Each change is an `event: flag` whose `data` is the flag as JSON.',
  })
  @ApiResponse({
    status: HttpStatus.OK,
    description: 'A stream of server-sent events.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: `event: flag\nid: ${FLAG_EXAMPLE.flagId}\ndata: ${JSON.stringify(FLAG_EXAMPLE)}\n\n`,
      },
    },
  })
  @ApiErrorResponses(400, 503)
  @Access('supervisor', 'admin')
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(flagStreamQuerySchema)) query: FlagStreamQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    this.streams.stream(principal, query.siteId, req, res);
  }

  @Get(':flagId')
  @ApiOperation({ summary: 'Read a flag with its scans, evidence and timeline' })
  @ApiParam(FLAG_ID)
  @ApiResponse({ status: HttpStatus.OK, type: FlagDetailDto })
  @ApiErrorResponses(400, 404)
  @Access('supervisor', 'admin')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
  ): Promise<FlagDetailView> {
    return this.flags.detail(principal, flagId);
  }

  /** For authorities: JSON, or printable HTML for `Accept: text/html` or `?format=html`. */
  @Get(':flagId/evidence')
  @ApiOperation({
    summary: 'The evidence bundle of a flag, for authorities',
    description:
      'Everything behind the flag in one snapshot: scans, signed certificates re-checked, ' +
      'clearances, rights, the decision and its audit entries with how to verify them. JSON, or ' +
      'printable HTML for `Accept: text/html` or `?format=html`.',
  })
  @ApiParam(FLAG_ID)
  @ApiResponse({
    status: HttpStatus.OK,
    content: {
      'application/json': {
        schema: { type: 'object', required: ['format', 'flag', 'items', 'audit'] },
        example: EVIDENCE_EXAMPLE,
      },
      'text/html': { schema: { type: 'string' }, example: '<!doctype html>…' },
    },
  })
  @ApiErrorResponses(400, 404)
  @Access('supervisor', 'admin', 'auditor', 'compliance')
  async evidenceBundle(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
    @Query(new ZodPipe(evidenceQuerySchema)) query: EvidenceQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EvidenceBundle | string> {
    const bundle = await this.evidence.bundle(principal, flagId);
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'no-store');
    const format = query.format ?? (req.accepts(['json', 'html']) === 'html' ? 'html' : 'json');
    if (format === 'json') return bundle;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', EVIDENCE_HTML_CSP);
    return renderEvidenceHtml(bundle);
  }

  @Post(':flagId/resolve')
  @ApiOperation({
    summary: 'Release or quarantine a flag (the WMS is told)',
    description: 'Only an open flag; a second decision is a 409.',
  })
  @ApiParam(FLAG_ID)
  @ApiResponse({ status: HttpStatus.OK, type: FlagViewDto })
  @ApiErrorResponses(400, 404, 409)
  @Access('supervisor')
  @HttpCode(200)
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
    @Body(new ZodPipe(resolveFlagSchema)) body: ResolveFlagDto,
  ): Promise<FlagView> {
    return toFlagView(await this.flags.resolve(principal, flagId, body.action, body.note));
  }
}

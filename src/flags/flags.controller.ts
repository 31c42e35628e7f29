import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import type { EvidenceBundle } from './flag-evidence-bundle';
import { EVIDENCE_HTML_CSP, renderEvidenceHtml } from './flag-evidence-html';
import { EvidenceQuery, evidenceQuerySchema } from './flag-evidence.dto';
import { FlagEvidenceService } from './flag-evidence.service';
import { FlagStreamService } from './flag-stream.service';
import { FlagDetailView, FlagView, toFlagView } from './flag-view';
import {
  encodeCursor,
  FlagListQuery,
  flagListQuerySchema,
  FlagStreamQuery,
  flagStreamQuerySchema,
  ResolveFlag,
  resolveFlagSchema,
} from './flags.dto';
import { FlagsService } from './flags.service';

const DEFAULT_PAGE = 50;

@Controller('api/v1/flags')
export class FlagsController {
  constructor(
    private readonly flags: FlagsService,
    private readonly streams: FlagStreamService,
    private readonly evidence: FlagEvidenceService,
  ) {}

  /** Oldest first, so the queue shows what has waited longest at the top. */
  @Get()
  @Access('supervisor', 'admin')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(flagListQuerySchema)) query: FlagListQuery,
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
  @Access('supervisor', 'admin')
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(flagStreamQuerySchema)) query: FlagStreamQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    this.streams.stream(principal, query.siteId, req, res);
  }

  @Get(':flagId')
  @Access('supervisor', 'admin')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
  ): Promise<FlagDetailView> {
    return this.flags.detail(principal, flagId);
  }

  /** For authorities: JSON, or printable HTML for `Accept: text/html` or `?format=html`. */
  @Get(':flagId/evidence')
  @Access('supervisor', 'admin', 'auditor', 'compliance')
  async evidenceBundle(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
    @Query(new ZodPipe(evidenceQuerySchema)) query: EvidenceQuery,
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
  @Access('supervisor')
  @HttpCode(200)
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('flagId') flagId: string,
    @Body(new ZodPipe(resolveFlagSchema)) body: ResolveFlag,
  ): Promise<FlagView> {
    return toFlagView(await this.flags.resolve(principal, flagId, body.action, body.note));
  }
}

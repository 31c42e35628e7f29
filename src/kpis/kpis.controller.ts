import { Controller, ForbiddenException, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { SITE_SCOPED_ROLES } from '../auth/roles';
import { ZodPipe } from '../common/zod-body.pipe';
import { kpiWindow, KpisQueryDto, kpisQuerySchema, KpisViewDto } from './kpis.dto';
import { KpiGrouping, KpiRow, KpisRepository } from './kpis.repository';

export interface KpisView {
  from: string;
  to: string;
  /** All flags of the window (zeros and nulls when none was opened). */
  total: KpiRow;
  bySite: KpiRow[];
  bySupplier: KpiRow[];
  bySiteAndSupplier: KpiRow[];
}

@ApiTags('KPIs')
@Controller('api/v1/kpis')
export class KpisController {
  constructor(private readonly kpis: KpisRepository) {}

  /** The enforcement KPIs of the flags opened in the window; a supervisor sees its sites only. */
  @Get()
  @ApiOperation({
    summary: 'Enforcement KPIs of the flags opened in a window',
    description:
      'Flags, their outcomes, quarantine and false-flag rates, time to detect and to resolve; ' +
      'in total, by site, by supplier and by both.',
  })
  @ApiResponse({ status: HttpStatus.OK, type: KpisViewDto })
  @ApiErrorResponses(400)
  @Access('admin', 'auditor', 'compliance', 'supervisor')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(kpisQuerySchema)) query: KpisQueryDto,
  ): Promise<KpisView> {
    const scoped = SITE_SCOPED_ROLES.includes(principal.role);
    if (query.siteId && scoped && !principal.siteIds.includes(query.siteId))
      throw new ForbiddenException(`this key is not for site ${query.siteId}`);
    const siteIds = query.siteId ? [query.siteId] : scoped ? principal.siteIds : null;
    const { from, to } = kpiWindow(query, new Date());
    const groups: Record<KpiGrouping, KpiRow[]> = await this.kpis.figures({ from, to, siteIds });
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      total: groups.total[0],
      bySite: groups.site,
      bySupplier: groups.supplier,
      bySiteAndSupplier: groups.siteAndSupplier,
    };
  }
}

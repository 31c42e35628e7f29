import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateSite, CreateSiteDto, createSiteSchema } from './registry.dto';
import { RegistryService } from './registry.service';

@ApiTags('Registry')
@Controller('api/v1/sites')
export class SitesController {
  constructor(private readonly registry: RegistryService) {}

  /** 201 when created, 200 when the same site was already there. */
  @Post()
  @ApiOperation({ summary: 'Create a site (a warehouse or carrier depot with docks)' })
  @ApiResponse({ status: HttpStatus.CREATED, type: CreateSiteDto.Output, description: 'Created.' })
  @ApiResponse({ status: HttpStatus.OK, type: CreateSiteDto.Output, description: 'Already there.' })
  @ApiErrorResponses(400, 409)
  @Access('admin')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createSiteSchema)) body: CreateSiteDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateSite> {
    const { created, value } = await this.registry.createSite(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

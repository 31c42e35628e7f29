import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateSite, createSiteSchema } from './registry.dto';
import { RegistryService } from './registry.service';

@Controller('api/v1/sites')
export class SitesController {
  constructor(private readonly registry: RegistryService) {}

  /** 201 when created, 200 when the same site was already there. */
  @Post()
  @Access('admin')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createSiteSchema)) body: CreateSite,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateSite> {
    const { created, value } = await this.registry.createSite(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateManifest, createManifestSchema } from './manifests.dto';
import { ManifestsService } from './manifests.service';

@Controller('api/v1/manifests')
export class ManifestsController {
  constructor(private readonly manifests: ManifestsService) {}

  /** 201 when created, 200 when the same manifest was already there, 409 when a different one was. */
  @Post()
  @Access('supplier')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createManifestSchema)) body: CreateManifest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateManifest> {
    const { created, value } = await this.manifests.create(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateManifest, CreateManifestDto, createManifestSchema } from './manifests.dto';
import { ManifestsService } from './manifests.service';

@ApiTags('Manifests')
@Controller('api/v1/manifests')
export class ManifestsController {
  constructor(private readonly manifests: ManifestsService) {}

  /** 201 when created, 200 when the same manifest was already there, 409 when a different one was. */
  @Post()
  @ApiOperation({
    summary: 'Announce pallets to a site, with the units each carries',
    description: 'Idempotent: the same manifest again is a 200, a different one with its id a 409.',
  })
  @ApiResponse({
    status: HttpStatus.CREATED,
    type: CreateManifestDto.Output,
    description: 'Created.',
  })
  @ApiResponse({
    status: HttpStatus.OK,
    type: CreateManifestDto.Output,
    description: 'Already there.',
  })
  @ApiErrorResponses(400, 409, 422)
  @Access('supplier')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createManifestSchema)) body: CreateManifestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateManifest> {
    const { created, value } = await this.manifests.create(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

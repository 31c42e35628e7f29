import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateIpRight, CreateIpRightDto, createIpRightSchema } from './ip-rights.dto';
import { IpRightsService } from './ip-rights.service';

@ApiTags('Registry')
@Controller('api/v1/ip-rights')
export class IpRightsController {
  constructor(private readonly rights: IpRightsService) {}

  /** 201 when created, 200 when the same right was already there, 409 when a different one was. */
  @Post()
  @ApiOperation({
    summary: 'Register an IP right (trademark, design, copyright) over GTIN prefixes',
  })
  @ApiResponse({ status: HttpStatus.CREATED, type: CreateIpRightDto, description: 'Created.' })
  @ApiResponse({ status: HttpStatus.OK, type: CreateIpRightDto, description: 'Already there.' })
  @ApiErrorResponses(400, 409)
  @Access('admin', 'compliance')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createIpRightSchema)) body: CreateIpRightDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateIpRight> {
    const { created, value } = await this.rights.createRight(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

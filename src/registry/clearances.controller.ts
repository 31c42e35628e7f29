import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateClearance, CreateClearanceDto, createClearanceSchema } from './ip-rights.dto';
import { IpRightsService } from './ip-rights.service';

@ApiTags('Registry')
@Controller('api/v1/clearances')
export class ClearancesController {
  constructor(private readonly rights: IpRightsService) {}

  /** 201 when created, 200 when the same clearance was already there, 409 when a different one was. */
  @Post()
  @ApiOperation({
    summary: 'Clear a supplier to bring a GTIN (one lot or all) into markets under IP rights',
  })
  @ApiResponse({ status: HttpStatus.CREATED, type: CreateClearanceDto, description: 'Created.' })
  @ApiResponse({ status: HttpStatus.OK, type: CreateClearanceDto, description: 'Already there.' })
  @ApiErrorResponses(400, 409, 422)
  @Access('admin', 'compliance')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createClearanceSchema)) body: CreateClearanceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateClearance> {
    const { created, value } = await this.rights.createClearance(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateIpRight, createIpRightSchema } from './ip-rights.dto';
import { IpRightsService } from './ip-rights.service';

@Controller('api/v1/ip-rights')
export class IpRightsController {
  constructor(private readonly rights: IpRightsService) {}

  /** 201 when created, 200 when the same right was already there, 409 when a different one was. */
  @Post()
  @Access('admin', 'compliance')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createIpRightSchema)) body: CreateIpRight,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateIpRight> {
    const { created, value } = await this.rights.createRight(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }
}

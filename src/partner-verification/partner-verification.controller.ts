import { Controller, createParamDecorator, ExecutionContext, Get, Query } from '@nestjs/common';
import type { Request } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { LvmResponse, PartnerVerificationService } from './partner-verification.service';
import { VerifyPath, verifyPathSchema, VerifyQuery, verifyQuerySchema } from './verify-request.dto';

// Read around @Param: the global PathIdPipe allows only identifier characters, while lots and
// serials may use all of GS1's set 82 ("/", "+", "%", …); the schema checks them instead.
const GtinPath = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>().params,
);

/** GS1 Lightweight Verification Messaging: the request is a GS1 Digital Link path. */
@Controller('api/v1/verify')
export class PartnerVerificationController {
  constructor(private readonly verification: PartnerVerificationService) {}

  @Get('01/:gtin/10/:lot/21/:serial')
  @Access('partner', 'admin')
  withLot(
    @CurrentPrincipal() principal: Principal,
    @GtinPath(new ZodPipe(verifyPathSchema)) path: VerifyPath,
    @Query(new ZodPipe(verifyQuerySchema)) query: VerifyQuery,
  ): Promise<LvmResponse> {
    return this.verification.verify(principal, path, query);
  }

  /** A Digital Link may leave out the lot; the serial is then matched in any lot of the GTIN. */
  @Get('01/:gtin/21/:serial')
  @Access('partner', 'admin')
  withoutLot(
    @CurrentPrincipal() principal: Principal,
    @GtinPath(new ZodPipe(verifyPathSchema)) path: VerifyPath,
    @Query(new ZodPipe(verifyQuerySchema)) query: VerifyQuery,
  ): Promise<LvmResponse> {
    return this.verification.verify(principal, path, query);
  }
}

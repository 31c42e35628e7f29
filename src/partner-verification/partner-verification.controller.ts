import {
  applyDecorators,
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  HttpStatus,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import { LvmResponse, PartnerVerificationService } from './partner-verification.service';
import {
  LvmResponseDto,
  VerifyPath,
  verifyPathSchema,
  VerifyQueryDto,
  verifyQuerySchema,
} from './verify-request.dto';

// Read around @Param: the global PathIdPipe allows only identifier characters, while lots and
// serials may use all of GS1's set 82 ("/", "+", "%", …); the schema checks them instead.
const GtinPath = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>().params,
);

/** What both forms of the Digital Link path share in the API document. */
const VerifyDocs = (summary: string) =>
  applyDecorators(
    ApiOperation({
      summary,
      description:
        'GS1 Lightweight Verification Messaging: is this product identifier genuine? The path ' +
        'is a GS1 Digital Link; an unknown unit is an answer (`verified: false`), not a 404.',
    }),
    ApiParam({ name: 'gtin', example: '09506000134352', description: 'GTIN-8, 12, 13 or 14.' }),
    ApiParam({ name: 'serial', example: 'SN0001', description: 'AI 21, percent-encoded.' }),
    ApiResponse({ status: HttpStatus.OK, type: LvmResponseDto }),
    ApiErrorResponses(400),
  );

/** GS1 Lightweight Verification Messaging: the request is a GS1 Digital Link path. */
@ApiTags('Partner verification')
@Controller('api/v1/verify')
export class PartnerVerificationController {
  constructor(private readonly verification: PartnerVerificationService) {}

  @Get('01/:gtin/10/:lot/21/:serial')
  @VerifyDocs('Verify a unit by GTIN, lot and serial')
  @ApiParam({ name: 'lot', example: 'ABC123', description: 'AI 10, percent-encoded.' })
  @Access('partner', 'admin')
  withLot(
    @CurrentPrincipal() principal: Principal,
    @GtinPath(new ZodPipe(verifyPathSchema)) path: VerifyPath,
    @Query(new ZodPipe(verifyQuerySchema)) query: VerifyQueryDto,
  ): Promise<LvmResponse> {
    return this.verification.verify(principal, path, query);
  }

  /** A Digital Link may leave out the lot; the serial is then matched in any lot of the GTIN. */
  @Get('01/:gtin/21/:serial')
  @VerifyDocs('Verify a unit by GTIN and serial, in any lot')
  @Access('partner', 'admin')
  withoutLot(
    @CurrentPrincipal() principal: Principal,
    @GtinPath(new ZodPipe(verifyPathSchema)) path: VerifyPath,
    @Query(new ZodPipe(verifyQuerySchema)) query: VerifyQueryDto,
  ): Promise<LvmResponse> {
    return this.verification.verify(principal, path, query);
  }
}

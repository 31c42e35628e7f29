import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  CertificateViewDto,
  RevokeCertificateDto,
  revokeCertificateSchema,
  UploadCertificateDto,
  uploadCertificateSchema,
} from './certificate.dto';
import { CertificateView } from './certificate-view';
import { CertificatesService } from './certificates.service';

const CERTIFICATE_ID = { name: 'certificateId', example: 'CERT-2026-0042' };

@ApiTags('Certificates')
@Controller('api/v1/certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  /** 201 when stored, 200 when the same signed certificate was already there. */
  @Post()
  @ApiOperation({
    summary: 'Upload a signed batch certificate',
    description: 'Up to a million serials, listed and in ranges; the body may be up to 64 MiB.',
  })
  @ApiResponse({ status: HttpStatus.CREATED, type: CertificateViewDto, description: 'Stored.' })
  @ApiResponse({ status: HttpStatus.OK, type: CertificateViewDto, description: 'Already there.' })
  @ApiErrorResponses(400, 409, 413, 422)
  @Access('supplier')
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(uploadCertificateSchema)) body: UploadCertificateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CertificateView> {
    const { created, value } = await this.certificates.upload(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }

  @Get(':certificateId')
  @ApiOperation({ summary: 'Read a certificate' })
  @ApiParam(CERTIFICATE_ID)
  @ApiResponse({ status: HttpStatus.OK, type: CertificateViewDto })
  @ApiErrorResponses(400, 404)
  @Access('supplier', 'admin')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('certificateId') certificateId: string,
  ): Promise<CertificateView> {
    return this.certificates.get(principal, certificateId);
  }

  @Post(':certificateId/revoke')
  @ApiOperation({ summary: 'Revoke a certificate' })
  @ApiParam(CERTIFICATE_ID)
  @ApiResponse({ status: HttpStatus.OK, type: CertificateViewDto })
  @ApiErrorResponses(400, 404)
  @Access('supplier', 'admin')
  @HttpCode(HttpStatus.OK)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('certificateId') certificateId: string,
    @Body(new ZodPipe(revokeCertificateSchema)) body: RevokeCertificateDto,
  ): Promise<CertificateView> {
    return this.certificates.revoke(principal, certificateId, body.reason);
  }
}

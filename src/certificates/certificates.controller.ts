import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  RevokeCertificate,
  revokeCertificateSchema,
  UploadCertificate,
  uploadCertificateSchema,
} from './certificate.dto';
import { CertificateView } from './certificate-view';
import { CertificatesService } from './certificates.service';

@Controller('api/v1/certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  /** 201 when stored, 200 when the same signed certificate was already there. */
  @Post()
  @Access('supplier')
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(uploadCertificateSchema)) body: UploadCertificate,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CertificateView> {
    const { created, value } = await this.certificates.upload(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }

  @Get(':certificateId')
  @Access('supplier', 'admin')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('certificateId') certificateId: string,
  ): Promise<CertificateView> {
    return this.certificates.get(principal, certificateId);
  }

  @Post(':certificateId/revoke')
  @Access('supplier', 'admin')
  @HttpCode(HttpStatus.OK)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('certificateId') certificateId: string,
    @Body(new ZodPipe(revokeCertificateSchema)) body: RevokeCertificate,
  ): Promise<CertificateView> {
    return this.certificates.revoke(principal, certificateId, body.reason);
  }
}

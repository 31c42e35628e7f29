import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesService } from './certificates.service';

/** Signed certificate uploads, views and revocation; verification reads the tables directly. */
@Module({
  imports: [AuditModule],
  controllers: [CertificatesController],
  providers: [CertificatesService],
})
export class CertificatesModule {}

import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { AuditModule } from '../audit/audit.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesService } from './certificates.service';

/** Signed certificate uploads, views and revocation; verification reads the tables directly. */
@Module({
  imports: [AuditModule, FlagsModule],
  controllers: [CertificatesController],
  providers: [CertificatesService],
})
export class CertificatesModule {}

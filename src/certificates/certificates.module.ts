import { Module } from '@nestjs/common';
import { CertificatesRepository } from './certificates.repository';

@Module({
  providers: [CertificatesRepository],
  exports: [CertificatesRepository],
})
export class CertificatesModule {}

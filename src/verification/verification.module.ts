import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { VerificationService } from './verification.service';

@Module({
  imports: [CertificatesModule],
  providers: [VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}

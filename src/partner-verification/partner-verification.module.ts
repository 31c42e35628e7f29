import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CertificateFactsRepository } from '../verification/certificate-facts.repository';
import { HeldUnitsRepository } from './held-units.repository';
import { PartnerVerificationController } from './partner-verification.controller';
import { PartnerVerificationService } from './partner-verification.service';

/** GS1 LVM responder for trading partners: reads certificates and flags, audits every answer. */
@Module({
  imports: [AuditModule],
  controllers: [PartnerVerificationController],
  providers: [PartnerVerificationService, CertificateFactsRepository, HeldUnitsRepository],
})
export class PartnerVerificationModule {}

import { Module } from '@nestjs/common';
import { CertificateFactsRepository } from './certificate-facts.repository';
import { OutboundFactsRepository } from './outbound-facts.repository';
import { RegistryFactsRepository } from './registry-facts.repository';
import { UnitMovementsRepository } from './unit-movements.repository';
import { VerificationService } from './verification.service';

@Module({
  providers: [
    VerificationService,
    CertificateFactsRepository,
    RegistryFactsRepository,
    UnitMovementsRepository,
    OutboundFactsRepository,
  ],
  exports: [VerificationService],
})
export class VerificationModule {}

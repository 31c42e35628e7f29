import { Module } from '@nestjs/common';
import { CertificateFactsRepository } from './certificate-facts.repository';
import { HoldFactsRepository } from './hold-facts.repository';
import { RegistryFactsRepository } from './registry-facts.repository';
import { UnitMovementsRepository } from './unit-movements.repository';
import { VerificationService } from './verification.service';

@Module({
  providers: [
    VerificationService,
    CertificateFactsRepository,
    RegistryFactsRepository,
    UnitMovementsRepository,
    HoldFactsRepository,
  ],
  exports: [VerificationService],
})
export class VerificationModule {}

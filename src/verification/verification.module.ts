import { Module } from '@nestjs/common';
import { CertificateFactsRepository } from './certificate-facts.repository';
import { RegistryFactsRepository } from './registry-facts.repository';
import { UnitMovementsRepository } from './unit-movements.repository';
import { VerificationService } from './verification.service';

@Module({
  providers: [
    VerificationService,
    CertificateFactsRepository,
    RegistryFactsRepository,
    UnitMovementsRepository,
  ],
  exports: [VerificationService],
})
export class VerificationModule {}

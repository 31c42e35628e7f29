import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ManifestLookup } from './manifest-lookup';
import { ManifestsController } from './manifests.controller';
import { ManifestsService } from './manifests.service';

@Module({
  imports: [AuditModule],
  controllers: [ManifestsController],
  providers: [ManifestsService, ManifestLookup],
  exports: [ManifestLookup],
})
export class ManifestsModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WmsModule } from '../wms/wms.module';
import { FlagEvidenceRepository } from './flag-evidence.repository';
import { FlagEvidenceService } from './flag-evidence.service';
import { FlagStreamService } from './flag-stream.service';
import { FlagsController } from './flags.controller';
import { FlagsRepository } from './flags.repository';
import { FlagsService } from './flags.service';

@Module({
  imports: [AuditModule, WmsModule],
  controllers: [FlagsController],
  providers: [
    FlagsService,
    FlagsRepository,
    FlagEvidenceRepository,
    FlagEvidenceService,
    FlagStreamService,
  ],
  exports: [FlagsService],
})
export class FlagsModule {}

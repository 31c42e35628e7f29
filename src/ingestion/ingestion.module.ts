import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { FlagsModule } from '../flags/flags.module';
import { VerificationModule } from '../verification/verification.module';
import { IngestionService } from './ingestion.service';
import { ScanPartitionsRepository } from './scan-partitions.repository';
import { ScanPartitionsService } from './scan-partitions.service';
import { ScansController } from './scans.controller';
import { ScansMqttHandler } from './scans.mqtt';
import { ScansRepository } from './scans.repository';

@Module({
  imports: [BrokerModule, VerificationModule, FlagsModule],
  controllers: [ScansController],
  providers: [
    IngestionService,
    ScansRepository,
    ScansMqttHandler,
    ScanPartitionsRepository,
    ScanPartitionsService,
  ],
  exports: [IngestionService, BrokerModule],
})
export class IngestionModule {}

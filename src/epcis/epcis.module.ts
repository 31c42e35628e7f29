import { Module } from '@nestjs/common';
import { EpcisEventsRepository } from './epcis-events.repository';
import { EpcisController } from './epcis.controller';
import { EpcisService } from './epcis.service';

/** GS1 EPCIS 2.0 export of the scans; reads only. */
@Module({
  controllers: [EpcisController],
  providers: [EpcisService, EpcisEventsRepository],
})
export class EpcisModule {}

import { Module } from '@nestjs/common';
import { KpisController } from './kpis.controller';
import { KpiMetrics } from './kpis.metrics';
import { KpisRepository } from './kpis.repository';

/** Enforcement KPIs over flags and their items: detection, resolution, quarantine and false flags. */
@Module({
  controllers: [KpisController],
  providers: [KpisRepository, KpiMetrics],
})
export class KpisModule {}

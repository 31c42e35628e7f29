import { Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IngestionModule } from '../ingestion/ingestion.module';
import { BrokerHealthIndicator } from './broker.health';
import { HealthController } from './health.controller';
import { IngestionHealthIndicator } from './ingestion.health';

/**
 * Terminus logs each failed check at error. Not being ready is a state the probe reports, and its
 * cause (the database, the broker) is logged where it happens: a warning is enough.
 */
class HealthCheckLogger extends Logger {
  constructor() {
    super('HealthCheckService');
  }

  override error(message: unknown): void {
    this.warn(message);
  }
}

@Module({
  imports: [IngestionModule, TerminusModule.forRoot({ logger: HealthCheckLogger })],
  controllers: [HealthController],
  providers: [BrokerHealthIndicator, IngestionHealthIndicator],
})
export class HealthModule {}

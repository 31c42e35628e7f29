import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { IngestionService } from '../ingestion/ingestion.service';

/**
 * Scans messages received and not yet committed. Always up: a backlog is load, not a fault (the
 * database and broker checks say when commits cannot happen); it is here for whoever reads the
 * report, and in `dockproof_scan_messages_in_flight` for alerts.
 */
@Injectable()
export class IngestionHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly ingestion: IngestionService,
  ) {}

  backlog<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    return this.indicators.check(key).up({ backlog: this.ingestion.backlog });
  }
}

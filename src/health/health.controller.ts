import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorator';
import { BrokerHealthIndicator } from './broker.health';
import { LivenessReport, livenessReport, ReadinessReport, readinessReport } from './health-report';
import { IngestionHealthIndicator } from './ingestion.health';

// Under load a ping waits for a pooled connection; a busy instance is still ready.
const DATABASE_PING_TIMEOUT_MS = 2_500;

/**
 * Live: the process answers (restart it when not). Ready: scans can be received and committed, the
 * database answers and the broker is connected (send it no traffic when not, but let it catch up).
 * `/health` is readiness too, as it was before the split.
 */
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
    private readonly ingestion: IngestionHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  // Not through HealthCheckService: it answers 503 once shutdown begins, and an instance
  // finishing its work must not be restarted for that.
  @Get('live')
  @Public()
  live(): LivenessReport {
    const uptimeSeconds = Math.round((Date.now() - this.startedAt) / 1000);
    return livenessReport(this.indicators.check('process').up({ uptimeSeconds }), uptimeSeconds);
  }

  @Get(['', 'ready'])
  @Public()
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const result = await this.health
      .check([
        () =>
          this.database.pingCheck('database', {
            connection: this.dataSource,
            timeout: DATABASE_PING_TIMEOUT_MS,
          }),
        () => this.broker.isReady('broker'),
        () => this.ingestion.backlog('ingestion'),
      ])
      .catch(failedCheck);
    if (result.status !== 'ok') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readinessReport(result);
  }
}

/** Terminus throws its result as a 503; it is answered here, as is, rather than as an error. */
function failedCheck(error: unknown): HealthCheckResult {
  if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
  throw error;
}

import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorator';
import { MessageBus } from '../broker/message-bus';
import { IngestionService } from '../ingestion/ingestion.service';

interface HealthReport {
  status: 'ok' | 'unavailable';
  database: { ready: boolean; error?: string };
  broker: { ready: boolean; mode: string } & Record<string, unknown>;
  backlog: number;
}

/**
 * Live: the process answers (restart it when not). Ready: scans can be received and committed, the
 * database answers and the broker is connected (send it no traffic when not, but let it catch up).
 * `/health` is readiness too, as it was before the split.
 */
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    private readonly ingestion: IngestionService,
  ) {}

  @Get('live')
  @Public()
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  @Get(['', 'ready'])
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const database = await this.database();
    const bus = this.bus.status();
    const report: HealthReport = {
      status: database.ready && bus.ready ? 'ok' : 'unavailable',
      database,
      broker: { ready: bus.ready, mode: bus.mode, ...bus.detail },
      backlog: this.ingestion.backlog,
    };
    if (report.status !== 'ok') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  private async database(): Promise<HealthReport['database']> {
    try {
      await this.dataSource.query('SELECT 1');
      return { ready: true };
    } catch (error) {
      return { ready: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

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

/** Ready means scans can be received and committed: the database answers and the broker is connected. */
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    private readonly ingestion: IngestionService,
  ) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
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

import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** For Prometheus, with an auditor key as its bearer token (read-only, every site). */
  @Get()
  @Access('admin', 'auditor')
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookWorker } from './webhook-worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** WMS messages over signed HTTP: endpoints per site, and the worker that delivers the outbox. */
@Module({
  imports: [AuditModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDeliveriesRepository, WebhookWorker],
  exports: [WebhookDeliveriesRepository],
})
export class WebhooksModule {}

import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { OutboxRepository } from './outbox.repository';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WmsRelay } from './wms-relay.service';
import { WmsRetention } from './wms-retention.service';

/**
 * WMS messages: written to the outbox by the changes that cause them, relayed to the broker,
 * deleted with their webhook deliveries OUTBOX_RETENTION_DAYS after.
 */
@Module({
  imports: [BrokerModule, WebhooksModule],
  providers: [OutboxRepository, WmsRelay, WmsRetention],
  exports: [OutboxRepository],
})
export class WmsModule {}

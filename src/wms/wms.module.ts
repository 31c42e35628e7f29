import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module';
import { OutboxRepository } from './outbox.repository';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WmsRelay } from './wms-relay.service';

/** WMS messages: written to the outbox by the changes that cause them, relayed to the broker. */
@Module({
  imports: [BrokerModule, WebhooksModule],
  providers: [OutboxRepository, WmsRelay],
  exports: [OutboxRepository],
})
export class WmsModule {}

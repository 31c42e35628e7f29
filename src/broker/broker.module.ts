import { Module } from '@nestjs/common';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { resolveInstanceId } from '../config/instance-id';
import { EmbeddedMessageBus } from './embedded-message-bus';
import { MessageBus } from './message-bus';
import { MqttMessageBus } from './mqtt-message-bus';

const VERDICT_PUBLISHER_CONNECTIONS = 4;

@Module({
  providers: [
    {
      provide: MessageBus,
      inject: [SETTINGS],
      useFactory: (settings: Settings): MessageBus =>
        settings.MQTT_URL
          ? new MqttMessageBus({
              url: settings.MQTT_URL,
              instanceId: resolveInstanceId(settings.DOCKPROOF_INSTANCE_ID, settings.DATA_DIR),
              shareGroup: settings.MQTT_SHARE_GROUP,
              subscriberConnections: settings.MQTT_SUBSCRIBER_CONNECTIONS,
              publisherConnections: VERDICT_PUBLISHER_CONNECTIONS,
            })
          : new EmbeddedMessageBus(settings.MQTT_PORT),
    },
  ],
  exports: [MessageBus],
})
export class BrokerModule {}

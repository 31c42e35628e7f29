import { Module } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import { AuthModule } from '../auth/auth.module';
import { canPublish, canSubscribe } from '../auth/mqtt-access';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { resolveInstanceId } from '../config/instance-id';
import { EmbeddedMessageBus } from './embedded-message-bus';
import { MessageBus } from './message-bus';
import { MqttMessageBus } from './mqtt-message-bus';

const VERDICT_PUBLISHER_CONNECTIONS = 4;

@Module({
  imports: [AuthModule],
  providers: [
    {
      provide: MessageBus,
      inject: [SETTINGS, ApiKeysService],
      useFactory: (settings: Settings, apiKeys: ApiKeysService): MessageBus =>
        settings.MQTT_URL
          ? new MqttMessageBus({
              url: settings.MQTT_URL,
              instanceId: resolveInstanceId(settings.DOCKPROOF_INSTANCE_ID, settings.DATA_DIR),
              shareGroup: settings.MQTT_SHARE_GROUP,
              subscriberConnections: settings.MQTT_SUBSCRIBER_CONNECTIONS,
              publisherConnections: VERDICT_PUBLISHER_CONNECTIONS,
            })
          : new EmbeddedMessageBus(settings.MQTT_PORT, {
              authenticate: (apiKey) => apiKeys.authenticate(apiKey),
              canPublish: (principal, topic) =>
                canPublish(principal, topic, settings.MQTT_TOPIC_PREFIX),
              canSubscribe: (principal, filter) =>
                canSubscribe(principal, filter, settings.MQTT_TOPIC_PREFIX),
            }),
    },
  ],
  exports: [MessageBus],
})
export class BrokerModule {}

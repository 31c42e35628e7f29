import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InboundMessage, MessageBus } from '../broker/message-bus';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { IngestionService } from './ingestion.service';
import { scanTopicFilter } from './scan-topic';

/** Scans in over MQTT, verdicts out; the broker's PUBACK waits for `handle` to resolve. */
@Injectable()
export class ScansMqttHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScansMqttHandler.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly ingestion: IngestionService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start(scanTopicFilter(this.settings.MQTT_TOPIC_PREFIX), (m) => this.handle(m));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestion.stop();
    await this.bus.close();
  }

  private async handle({ topic, payload }: InboundMessage): Promise<void> {
    const outcome = await this.ingestion.submit({
      source: 'mqtt',
      topic,
      payload,
      receivedAt: new Date(),
    });
    if (!outcome.verdictTopic) return;
    const body = JSON.stringify(outcome.isArray ? outcome.verdicts : outcome.verdicts[0]);
    // The scans are committed either way; a scanner that hears no verdict sends the scan again.
    await this.bus
      .publish(outcome.verdictTopic, body)
      .catch((error: unknown) => this.logger.warn(`verdict not published: ${String(error)}`));
  }
}

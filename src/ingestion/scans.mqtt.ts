import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PinoLogger } from 'nestjs-pino';
import { InboundMessage, MessageBus } from '../broker/message-bus';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { IngestionService, MessageOutcome } from './ingestion.service';
import { scanTopicFilter } from './scan-topic';

/** Scans in over MQTT, verdicts out; the broker's PUBACK waits for `handle` to resolve. */
@Injectable()
export class ScansMqttHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScansMqttHandler.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly ingestion: IngestionService,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly logContext: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start(scanTopicFilter(this.settings.MQTT_TOPIC_PREFIX), (m) => this.handle(m));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestion.stop();
    await this.bus.close();
  }

  /** Lines logged while a message is answered carry its `messageId`, topic and eventIds. */
  private handle(message: InboundMessage): Promise<void> {
    return this.logContext.runInContext(() => this.answer(message), {
      bindings: { messageId: randomUUID(), topic: message.topic },
    });
  }

  private async answer({ topic, payload }: InboundMessage): Promise<void> {
    const outcome = await this.ingestion.submit({
      source: 'mqtt',
      topic,
      payload,
      receivedAt: new Date(),
    });
    this.logContext.assign(eventIdsOf(outcome));
    this.logRejected(outcome);
    if (!outcome.verdictTopic) return;
    const body = JSON.stringify(outcome.isArray ? outcome.verdicts : outcome.verdicts[0]);
    // The scans are committed either way; a scanner that hears no verdict sends the scan again.
    await this.bus
      .publish(outcome.verdictTopic, body)
      .catch((error: unknown) => this.logger.warn(`verdict not published: ${String(error)}`));
  }

  /** At info: the scanner hears why; these lines are for whoever looks after the scanners. */
  private logRejected({ isArray, verdicts }: MessageOutcome): void {
    for (const { eventId, status, reasons } of verdicts) {
      if (status !== 'rejected') continue;
      const msg = `scan rejected: ${reasons[0].message}`;
      // A single scan's eventId is on the message's lines already.
      this.logger.log(isArray ? { msg, eventId } : msg);
    }
  }
}

/** A single scan's eventId; for an array message, how many scans it holds (each line names its own). */
function eventIdsOf({ isArray, verdicts }: MessageOutcome): Record<string, unknown> {
  if (isArray) return { scans: verdicts.length };
  return verdicts[0].eventId ? { eventId: verdicts[0].eventId } : {};
}

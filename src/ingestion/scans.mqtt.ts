import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start(scanTopicFilter(this.settings.MQTT_TOPIC_PREFIX), (m) => this.handle(m));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestion.stop();
    await this.bus.close();
  }

  /**
   * The lines logged about a message carry its `messageId` (made only when a line is written),
   * topic and eventId. Named on each line rather than bound in a per-message log context: a
   * context per message cost an eighth of the throughput in the benchmark, for lines that are rare.
   */
  private async handle({ topic, payload }: InboundMessage): Promise<void> {
    const outcome = await this.ingestion.submit({
      source: 'mqtt',
      topic,
      payload,
      receivedAt: new Date(),
    });
    let messageId: string | undefined;
    const about = (fields: Record<string, unknown>) => ({
      messageId: (messageId ??= randomUUID()),
      topic,
      ...eventIdsOf(outcome),
      ...fields,
    });
    for (const { eventId, status, reasons } of outcome.verdicts) {
      // At info: the scanner hears why; these lines are for whoever looks after the scanners.
      if (status === 'rejected')
        this.logger.log(about({ msg: `scan rejected: ${reasons[0].message}`, eventId }));
    }
    if (!outcome.verdictTopic) return;
    const body = JSON.stringify(outcome.isArray ? outcome.verdicts : outcome.verdicts[0]);
    // The scans are committed either way; a scanner that hears no verdict sends the scan again.
    await this.bus
      .publish(outcome.verdictTopic, body)
      .catch((error: unknown) =>
        this.logger.warn(about({ msg: `verdict not published: ${String(error)}` })),
      );
  }
}

/** A single scan's eventId; for an array message, how many scans it holds (each line names its own). */
function eventIdsOf({ isArray, verdicts }: MessageOutcome): Record<string, unknown> {
  if (isArray) return { scans: verdicts.length };
  return verdicts[0].eventId ? { eventId: verdicts[0].eventId } : {};
}

import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { failPublishesInFlight } from '../../src/broker/mqtt-message-bus';

export interface ScanEventBody {
  eventId: string;
  scannerId: string;
  scannedAt: string;
  direction: 'inbound' | 'outbound';
  code: string;
  palletSscc?: string;
}

export interface VerdictBody {
  eventId: string | null;
  status: 'verified' | 'suspicious' | 'rejected';
  reasons: Array<{ code: string; message: string }>;
  item?: Record<string, string>;
  flagId: string | null;
  verifiedAt: string;
}

export function scanEvent(overrides: Partial<ScanEventBody> = {}): ScanEventBody {
  return {
    eventId: randomUUID(),
    scannerId: 'SCN-7',
    scannedAt: new Date().toISOString(),
    direction: 'inbound',
    code: '(01)09506000134352(10)ABC123(21)SN0001',
    ...overrides,
  };
}

/**
 * A dock scanner as PRODUCT.md describes it: QoS 1 publishes, and any scan without a verdict
 * within the timeout is published again with the same eventId, with back-off.
 */
export class SimulatedScanner {
  readonly verdicts = new Map<string, VerdictBody>();
  /** When each eventId's first verdict arrived (Date.now()). */
  readonly answeredAt = new Map<string, number>();
  /** Every verdict message received, in order (a message is one verdict or an array). */
  readonly messages: Array<VerdictBody | VerdictBody[]> = [];
  private lastMessageAt = 0;

  private constructor(
    private readonly client: MqttClient,
    readonly scansTopic: string,
  ) {
    client.on('message', (_topic, payload) => {
      const body = JSON.parse(payload.toString()) as VerdictBody | VerdictBody[];
      this.messages.push(body);
      this.lastMessageAt = Date.now();
      for (const verdict of Array.isArray(body) ? body : [body]) {
        if (verdict.eventId && !this.verdicts.has(verdict.eventId)) {
          this.verdicts.set(verdict.eventId, verdict);
          this.answeredAt.set(verdict.eventId, Date.now());
        }
      }
    });
  }

  static async connect(
    url: string,
    prefix: string,
    siteId: string,
    dockId: string,
    apiKey: string,
  ): Promise<SimulatedScanner> {
    const client = await connectAsync(url, {
      clientId: `scanner-${randomUUID()}`,
      username: 'SCN-7',
      password: apiKey,
      reconnectPeriod: 200,
      connectTimeout: 5_000,
    });
    // Like DockProof's own publishers: what a lost connection was sending is re-sent by the
    // scanner's clock, not replayed by mqtt.js one round trip at a time ahead of the resubscription.
    client.on('close', () => failPublishesInFlight(client));
    await client.subscribeAsync(`${prefix}sites/${siteId}/docks/${dockId}/verdicts`, { qos: 1 });
    return new SimulatedScanner(client, `${prefix}sites/${siteId}/docks/${dockId}/scans`);
  }

  publishRaw(payload: string | Buffer): Promise<unknown> {
    return this.client.publishAsync(this.scansTopic, payload, { qos: 1 });
  }

  /** The next verdict message after `count` messages have arrived. */
  async nextMessage(
    count = this.messages.length,
    timeoutMs = 10_000,
  ): Promise<VerdictBody | VerdictBody[]> {
    await this.until(() => this.messages.length > count, timeoutMs);
    return this.messages[count];
  }

  /** Publishes the events (one per message, or as arrays) and re-sends until each has a verdict. */
  async scanUntilAnswered(
    events: ScanEventBody[],
    options: { arrays?: number; timeoutMs?: number; deadlineMs?: number } = {},
  ): Promise<void> {
    const { arrays = 0, timeoutMs = 2_000, deadlineMs = 120_000 } = options;
    const deadline = Date.now() + deadlineMs;
    // Events whose last publish the broker has not acknowledged yet: sent again only once it has
    // (or the connection that carried it is gone), as the scanner's outbox would.
    const inFlight = new Set<string>();
    let wait = timeoutMs;
    for (;;) {
      const missing = events.filter((e) => !this.verdicts.has(e.eventId));
      if (!missing.length) return;
      if (Date.now() > deadline)
        throw new Error(`${missing.length} scans never got a verdict (${this.diagnosis()})`);
      const sendable = missing.filter((e) => !inFlight.has(e.eventId));
      // On the scanner's own clock: a publish still waiting for its PUBACK does not hold the
      // re-sends of the others back.
      for (const message of arrays ? chunk(sendable, arrays) : sendable) {
        const ids = (Array.isArray(message) ? message : [message]).map((e) => e.eventId);
        ids.forEach((id) => inFlight.add(id));
        void this.publishRaw(JSON.stringify(message))
          .catch(() => undefined)
          .finally(() => ids.forEach((id) => inFlight.delete(id)));
      }
      await this.until(() => events.every((e) => this.verdicts.has(e.eventId)), wait).catch(
        () => undefined,
      );
      wait = Math.min(wait * 2, 10_000);
    }
  }

  /** What the scanner's connection looks like, for a failure's message. */
  diagnosis(): string {
    const client = this.client as unknown as {
      connected: boolean;
      _storeProcessing: boolean;
      _storeProcessingQueue: unknown[];
      outgoing: Record<string, unknown>;
      queue: unknown[];
    };
    const last = this.messages.length ? Date.now() - this.lastMessageAt : null;
    return [
      `connected ${client.connected}`,
      `store processing ${client._storeProcessing}`,
      `publishes queued behind the store ${client._storeProcessingQueue.length}`,
      `awaiting PUBACK ${Object.keys(client.outgoing).length}`,
      `offline queue ${client.queue.length}`,
      `verdict messages ${this.messages.length}, the last ${last === null ? '-' : `${last} ms ago`}`,
    ].join(', ');
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  /** Waits until `done()` holds, checking every 10 ms. */
  async until(done: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for verdicts');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

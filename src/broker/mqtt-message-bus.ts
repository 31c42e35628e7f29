import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import { connect, IClientOptions, MqttClient } from 'mqtt';
import {
  BusStatus,
  InboundHandler,
  MessageBus,
  PUBLISH_TIMEOUT_MS,
  withTimeout,
} from './message-bus';
import { scanSubscriberClientId } from './persistent-sessions';

export interface MqttBusOptions {
  url: string;
  instanceId: string;
  shareGroup: string;
  subscriberConnections: number;
  publisherConnections: number;
}

/**
 * mqtt.js reads the next PUBLISH of a connection only after `handleMessage` calls back, and that
 * call sends the PUBACK. So each subscriber connection holds one message until it is committed,
 * and throughput comes from many connections in one shared-subscription group feeding one group
 * committer. Verdicts go out on separate connections that never wait on a commit.
 */
export class MqttMessageBus extends MessageBus {
  private readonly logger = new Logger('MqttMessageBus');
  private readonly subscribers: MqttClient[] = [];
  private readonly subscribed = new Set<MqttClient>();
  private readonly publishers: MqttClient[] = [];
  private nextPublisher = 0;
  private closed = false;

  constructor(private readonly options: MqttBusOptions) {
    super();
  }

  async start(topicFilter: string, handler: InboundHandler): Promise<void> {
    const { instanceId, shareGroup, subscriberConnections, publisherConnections } = this.options;
    const shared = `$share/${shareGroup}/${topicFilter}`;
    for (let i = 0; i < publisherConnections; i++) {
      const client = this.connect(`${instanceId}-pub-${i}`, true);
      client.on('close', () => failPublishesInFlight(client));
      this.publishers.push(client);
    }
    for (let i = 0; i < subscriberConnections; i++) {
      const client = this.connect(scanSubscriberClientId(instanceId, i), false);
      client.handleMessage = (packet, done) => {
        handler({ topic: packet.topic, payload: packet.payload as Buffer }).then(
          () => done(),
          // Not acknowledged: the broker redelivers it to this persistent session after a reconnect.
          (error: unknown) =>
            this.logger.warn(`scan message left unacknowledged: ${String(error)}`),
        );
      };
      client.on('connect', (connack) => {
        // A present session holds its subscription: ready now, not once the SUBACK has come
        // through behind the backlog the broker queued for it.
        if (connack.sessionPresent) this.subscribed.add(client);
        // Subscribed again all the same: Mosquitto 2.0 restores a persistent session after a
        // restart without its shared subscriptions, and the instance would then hear nothing.
        // Subscribing again replaces the subscription in place and keeps what is queued.
        client.subscribe(shared, { qos: 1 }, (error) => {
          if (error) this.logger.error(`subscribe to ${shared} failed: ${error.message}`);
          else this.subscribed.add(client);
        });
      });
      client.on('close', () => this.subscribed.delete(client));
      this.subscribers.push(client);
    }
    await withTimeout(this.whenReady(), 10_000, 'connecting to the MQTT broker').catch((error) =>
      this.logger.warn(`${String(error)}; carrying on and retrying in the background`),
    );
  }

  async publish(topic: string, payload: string): Promise<void> {
    const client = this.publishers[this.nextPublisher++ % this.publishers.length];
    await withTimeout(
      client.publishAsync(topic, payload, { qos: 1 }),
      PUBLISH_TIMEOUT_MS,
      `publish to ${topic}`,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscribers, ...this.publishers].map((c) => c.endAsync(true)));
  }

  status(): BusStatus {
    const connectedPublishers = this.publishers.filter((c) => c.connected).length;
    return {
      mode: 'external',
      ready:
        this.subscribed.size === this.subscribers.length &&
        connectedPublishers === this.publishers.length,
      detail: {
        subscribers: `${this.subscribed.size}/${this.subscribers.length}`,
        publishers: `${connectedPublishers}/${this.publishers.length}`,
      },
    };
  }

  private connect(clientId: string, clean: boolean): MqttClient {
    const options: IClientOptions = {
      clientId,
      clean,
      protocolVersion: 4,
      // Well above the longest database stall: while a commit is pending the connection reads nothing.
      keepalive: 60,
      reconnectPeriod: 1_000,
      // A broker whose password file does not list our key yet (its first start, before the files
      // are generated from the keys DockProof just created) must not end the retries for good.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      resubscribe: false,
    };
    const client = connect(this.options.url, options);
    // Without it Nagle's algorithm holds a PUBACK or a verdict back while an earlier segment is
    // unacknowledged, which with delayed ACKs is up to 40 ms. mqtt.js has no option for it.
    client.on('connect', () => (client.stream as Partial<Socket>).setNoDelay?.(true));
    client.on('error', (error) => this.logger.warn(`${clientId}: ${error.message}`));
    return client;
  }

  private async whenReady(): Promise<void> {
    // Ends with close() too: past start()'s timeout nobody awaits it, and it must not keep polling.
    while (!this.closed && !this.status().ready) await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What a lost connection was still sending fails now instead of being replayed after the reconnect:
 * mqtt.js replays one message per round trip and holds every new publish behind the replay, so a
 * broker restart would delay fresh verdicts behind stale ones nobody waits for. A scanner re-sends
 * an unanswered scan and gets its verdict again; the WMS relay keeps its messages in the outbox.
 */
export function failPublishesInFlight(client: MqttClient): void {
  for (const [messageId, pending] of Object.entries(client.outgoing)) {
    if (pending.cmd === 'publish') client.removeOutgoingMessage(Number(messageId));
  }
}

import { Logger } from '@nestjs/common';
import Aedes, { AuthenticateError, Client } from 'aedes';
import { createServer, Server } from 'node:net';
import {
  BusStatus,
  InboundHandler,
  MessageBus,
  PUBLISH_TIMEOUT_MS,
  withTimeout,
} from './message-bus';
import { topicMatches } from './topic-matches';
import type { Principal } from '../auth/principal';

/** How the embedded broker authenticates clients (API key as password) and checks each topic. */
export interface BrokerAccess {
  authenticate(apiKey: string): Promise<Principal | null>;
  canPublish(principal: Principal, topic: string): boolean;
  canSubscribe(principal: Principal, filter: string): boolean;
}

type AuthenticatedClient = Client & { principal?: Principal };

// CONNACK return codes (aedes declares them as a const enum, which has no runtime value).
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

function refused(returnCode: AuthenticateError['returnCode']): AuthenticateError {
  return Object.assign(new Error('connection refused'), { returnCode });
}

const DEFAULT_PORT = 1883;

/**
 * The aedes broker in this process. It has neither shared subscriptions nor MQTT 5, so embedded
 * mode is a single instance. Scans are handled in aedes' `authorizePublish` hook, which runs before
 * aedes sends the PUBACK: a scan the broker acknowledges to a scanner is already committed.
 * Clients authenticate with an API key as the password; each publish and subscribe is checked.
 */
export class EmbeddedMessageBus extends MessageBus {
  private readonly logger = new Logger('EmbeddedMessageBus');
  private readonly broker: Aedes;
  private readonly server: Server;
  private listeningPort?: number;
  private inbound?: { filter: string; handler: InboundHandler };

  /** `port` undefined: 1883, or any free port when 1883 is taken. */
  constructor(
    private readonly port: number | undefined,
    private readonly access: BrokerAccess,
  ) {
    super();
    this.broker = new Aedes({
      authenticate: (client, _username, password, done) => {
        void this.access.authenticate(password?.toString() ?? '').then(
          (principal) => {
            if (!principal) return done(refused(BAD_USERNAME_OR_PASSWORD), false);
            (client as AuthenticatedClient).principal = principal;
            done(null, true);
          },
          () => done(refused(SERVER_UNAVAILABLE), false),
        );
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = (client as AuthenticatedClient).principal;
        const allowed = principal && this.access.canSubscribe(principal, subscription.topic);
        callback(null, allowed ? subscription : null);
      },
      authorizePublish: (client, packet, callback) => {
        const principal = (client as AuthenticatedClient | null)?.principal;
        if (!principal || !this.access.canPublish(principal, packet.topic)) {
          return callback(new Error(`not allowed to publish to ${packet.topic}`));
        }
        if (!this.inbound || !topicMatches(this.inbound.filter, packet.topic)) {
          return callback(null);
        }
        const payload = Buffer.isBuffer(packet.payload)
          ? packet.payload
          : Buffer.from(packet.payload);
        this.inbound.handler({ topic: packet.topic, payload }).then(
          () => callback(null),
          // aedes drops the client on an error: no PUBACK, so the scanner publishes it again.
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    this.broker.on('clientError', (client, error) =>
      this.logger.debug(`client ${client.id}: ${error.message}`),
    );
    // Nagle's algorithm would hold PUBACKs and verdicts back behind unacknowledged segments.
    this.server = createServer({ noDelay: true }, this.broker.handle);
  }

  async start(topicFilter: string, handler: InboundHandler): Promise<void> {
    this.inbound = { filter: topicFilter, handler };
    try {
      this.listeningPort = await this.listen(this.port ?? DEFAULT_PORT);
    } catch (error) {
      if (this.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw error;
      this.listeningPort = await this.listen(0);
      this.logger.warn(
        `port ${DEFAULT_PORT} is taken; the embedded MQTT broker listens on ${this.listeningPort} instead (set MQTT_PORT to choose)`,
      );
    }
    this.logger.log(`Embedded MQTT broker listening on port ${this.listeningPort}`);
  }

  async publish(topic: string, payload: string): Promise<void> {
    const packet = {
      cmd: 'publish' as const,
      topic,
      payload: Buffer.from(payload),
      qos: 1 as const,
      retain: false,
      dup: false,
    };
    await withTimeout(
      new Promise<void>((resolve, reject) =>
        this.broker.publish(packet, (error) => (error ? reject(error) : resolve())),
      ),
      PUBLISH_TIMEOUT_MS,
      `publish to ${topic}`,
    );
  }

  async close(): Promise<void> {
    this.inbound = undefined;
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) =>
      this.server.listening ? this.server.close(() => resolve()) : resolve(),
    );
  }

  status(): BusStatus {
    return {
      mode: 'embedded',
      ready: this.server.listening && !this.broker.closed,
      detail: { port: this.listeningPort, clients: this.broker.connectedClients },
    };
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }
}

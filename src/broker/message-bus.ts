export interface InboundMessage {
  topic: string;
  payload: Buffer;
}

/** Resolves once the message's effects are committed; only then is it acknowledged to the broker. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

export interface BusStatus {
  ready: boolean;
  mode: 'external' | 'embedded';
  detail: Record<string, unknown>;
}

/**
 * The MQTT side of DockProof: an external broker reached through a pool of mqtt.js connections, or
 * the embedded aedes broker in this process. Either way a message is acknowledged only after its
 * handler resolves.
 */
export abstract class MessageBus {
  abstract start(topicFilter: string, handler: InboundHandler): Promise<void>;
  /** QoS 1; resolves when the broker has taken the message, rejects after a timeout. */
  abstract publish(topic: string, payload: string): Promise<void>;
  abstract close(): Promise<void>;
  abstract status(): BusStatus;
}

export const PUBLISH_TIMEOUT_MS = 5_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';

export interface WmsMessageBody {
  messageId: string;
  type: 'hold' | 'release' | 'quarantine';
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  items: Array<{
    gtin: string | null;
    lot: string | null;
    serial: string | null;
    reasons: string[];
  }>;
  at: string;
  note?: string;
  resolvedBy?: string;
}

/** A warehouse management system listening on a site's WMS topic, as PRODUCT.md describes it. */
export class WmsListener {
  readonly messages: WmsMessageBody[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (_topic, payload) => {
      this.messages.push(JSON.parse(payload.toString()) as WmsMessageBody);
    });
  }

  /**
   * `persistent`: a session the broker keeps while the listener is away (clean session off), as a
   * WMS that must not miss a hold connects; otherwise a clean session, gone with the connection.
   */
  static async connect(
    url: string,
    prefix: string,
    siteId: string,
    apiKey: string,
    options: { persistent?: boolean } = {},
  ): Promise<WmsListener> {
    const client = await connectAsync(url, {
      clientId: `wms-${randomUUID()}`,
      clean: !options.persistent,
      username: 'WMS-1',
      password: apiKey,
      reconnectPeriod: 200,
    });
    await client.subscribeAsync(`${prefix}sites/${siteId}/wms/events`, { qos: 1 });
    return new WmsListener(client);
  }

  /** The first message that matches, waiting for it up to `timeoutMs`. */
  async next(match: (m: WmsMessageBody) => boolean, timeoutMs = 20_000): Promise<WmsMessageBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching WMS message arrived');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

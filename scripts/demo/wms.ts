import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import type { WmsMessage } from '../../src/wms/wms-message';
import type { DemoOutput } from './output';

/** The warehouse management system: subscribed to every site's WMS topic, printing what it gets. */
export class WmsListener {
  readonly messages: WmsMessage[] = [];
  private readonly seen = new Set<string>();

  private constructor(
    private readonly client: MqttClient,
    out: DemoOutput,
  ) {
    client.on('message', (_topic, payload) => {
      const message = JSON.parse(payload.toString()) as WmsMessage;
      // Delivery is at least once: a WMS applies each messageId once.
      if (this.seen.has(message.messageId)) return;
      this.seen.add(message.messageId);
      this.messages.push(message);
      out.wms(describe(message));
    });
  }

  static async connect(
    mqttUrl: string,
    apiKey: string,
    siteIds: readonly string[],
    out: DemoOutput,
  ): Promise<WmsListener> {
    const client = await connectAsync(mqttUrl, {
      clientId: `demo-wms-${randomUUID().slice(0, 8)}`,
      username: 'WMS',
      password: apiKey,
      reconnectPeriod: 500,
    });
    for (const siteId of siteIds)
      await client.subscribeAsync(`sites/${siteId}/wms/events`, { qos: 1 });
    return new WmsListener(client, out);
  }

  /** Waits until a message matches, up to `timeoutMs`. */
  async next(match: (m: WmsMessage) => boolean, timeoutMs = 20_000): Promise<WmsMessage | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found || Date.now() > deadline) return found ?? null;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

function describe(m: WmsMessage): string {
  const pallet = m.palletSscc ? `pallet ${m.palletSscc}` : 'a unit';
  if (m.type !== 'hold') return `${m.type} ${m.siteId} ${pallet}: "${m.note}" (by ${m.resolvedBy})`;
  const reasons = [...new Set(m.items.flatMap((i) => i.reasons))].join(', ');
  const units = `${m.items.length} ${m.items.length === 1 ? 'unit' : 'units'}`;
  return `hold ${m.siteId} ${pallet}: ${units} held (${reasons})`;
}

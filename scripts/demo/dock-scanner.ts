import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import type { ScanEvent } from '../../src/ingestion/scan-event.schema';
import type { Verdict } from '../../src/verification/verdict';

/** First wait for a verdict before a scan is published again (PRODUCT.md: 2 s, with back-off). */
const RESEND_AFTER_MS = 2_000;
const MAX_WAIT_MS = 10_000;

/**
 * A handheld at one dock, as PRODUCT.md requires every scanner DockProof ships to behave: QoS 1
 * publishes, and a scan without a verdict within the timeout is published again with the same
 * eventId. Kept apart from the tests' simulator so the demo does not change when a test needs it to.
 */
export class DockScanner {
  private readonly verdicts = new Map<string, Verdict>();
  private resends = 0;

  private constructor(
    private readonly client: MqttClient,
    private readonly scansTopic: string,
    readonly scannerId: string,
  ) {
    client.on('message', (_topic, payload) => {
      const body = JSON.parse(payload.toString()) as Verdict | Verdict[];
      for (const verdict of Array.isArray(body) ? body : [body])
        if (verdict.eventId && !this.verdicts.has(verdict.eventId))
          this.verdicts.set(verdict.eventId, verdict);
    });
  }

  static async connect(
    mqttUrl: string,
    site: { siteId: string; dockId: string; scannerId: string; apiKey: string },
  ): Promise<DockScanner> {
    const client = await connectAsync(mqttUrl, {
      clientId: `demo-${site.scannerId}-${randomUUID().slice(0, 8)}`,
      username: site.scannerId,
      password: site.apiKey,
      reconnectPeriod: 500,
      connectTimeout: 10_000,
    });
    const topic = `sites/${site.siteId}/docks/${site.dockId}`;
    await client.subscribeAsync(`${topic}/verdicts`, { qos: 1 });
    return new DockScanner(client, `${topic}/scans`, site.scannerId);
  }

  /** How many scans had to be published again for want of a verdict. */
  get resent(): number {
    return this.resends;
  }

  event(code: string, palletSscc?: string): ScanEvent {
    return {
      eventId: randomUUID(),
      scannerId: this.scannerId,
      scannedAt: new Date().toISOString(),
      direction: 'inbound',
      code,
      ...(palletSscc && { palletSscc }),
    };
  }

  /** Publishes one scan and re-sends it until its verdict arrives. */
  async scan(event: ScanEvent, deadlineMs = 120_000): Promise<Verdict> {
    const deadline = Date.now() + deadlineMs;
    for (let wait = RESEND_AFTER_MS, first = true; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
      if (!first) this.resends++;
      first = false;
      await this.client
        .publishAsync(this.scansTopic, JSON.stringify(event), { qos: 1 })
        .catch(() => undefined);
      const verdict = await this.verdictOf(event.eventId, Math.min(wait, deadline - Date.now()));
      if (verdict) return verdict;
      if (Date.now() >= deadline) throw new Error(`no verdict for scan ${event.code}`);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private async verdictOf(eventId: string, timeoutMs: number): Promise<Verdict | undefined> {
    const until = Date.now() + timeoutMs;
    while (!this.verdicts.has(eventId) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 5));
    return this.verdicts.get(eventId);
  }
}

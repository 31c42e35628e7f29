import { connectAsync } from 'mqtt';

/** The client id of an instance's n-th scan subscriber connection (a persistent session). */
export function scanSubscriberClientId(instanceId: string, n: number): string {
  return `${instanceId}-scans-${n}`;
}

/**
 * Removes an instance's persistent sessions from the broker by reconnecting them clean: for an
 * instance that is gone for good (tests, benchmarks, scaling in after a drain), since Mosquitto
 * keeps a persistent session, and what is queued for it, until it returns.
 */
export async function purgeScanSessions(
  url: string,
  instanceId: string,
  count: number,
): Promise<void> {
  for (let n = 0; n < count; n++) {
    const client = await connectAsync(url, {
      clientId: scanSubscriberClientId(instanceId, n),
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    await client.endAsync();
  }
}

import { connectAsync } from 'mqtt';

/**
 * The protocol ceiling's responder, run as a process of its own (see echo.ts): it answers every
 * scan message with a QoS 1 verdict of the same shape as DockProof's, and does nothing else — no
 * verification, no storage, the PUBACK sent at once rather than after a commit. Nothing that keeps
 * PRODUCT.md's MQTT contract (QoS 1 scan in, QoS 1 verdict out) can do less per scan.
 */
export interface ResponderConfig {
  url: string;
  clientId: string;
  username: string;
  password?: string;
  /** Scan topics to answer, e.g. `{prefix}sites/+/docks/+/scans`. */
  filter: string;
}

interface ScanEvent {
  eventId?: unknown;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ResponderConfig;
  const client = await connectAsync(config.url, {
    clientId: config.clientId,
    username: config.username,
    password: config.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  client.handleMessage = (packet, done) => {
    const body = JSON.parse(packet.payload.toString()) as ScanEvent | ScanEvent[];
    const verifiedAt = new Date().toISOString();
    const verdicts = (Array.isArray(body) ? body : [body]).map((event) => ({
      eventId: event.eventId,
      status: 'verified',
      reasons: [],
      flagId: null,
      verifiedAt,
    }));
    const answer = JSON.stringify(Array.isArray(body) ? verdicts : verdicts[0]);
    client.publish(packet.topic.replace(/scans$/, 'verdicts'), answer, { qos: 1 });
    done();
  };
  await client.subscribeAsync(config.filter, { qos: 1 });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void client.endAsync(true).then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

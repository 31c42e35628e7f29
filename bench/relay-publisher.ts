import { connectAsync } from 'mqtt';

/** The broker baseline's publisher, run as a process of its own (see relay.ts). */
export interface PublisherConfig {
  url: string;
  clientId: string;
  username: string;
  password?: string;
  topic: string;
  payload: string;
  /** QoS 1 publishes awaiting their PUBACK. */
  window: number;
  durationMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as PublisherConfig;
  const client = await connectAsync(config.url, {
    clientId: config.clientId,
    username: config.username,
    password: config.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const until = Date.now() + config.durationMs;
  let published = 0;
  let acknowledged = 0;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (inFlight < config.window && Date.now() < until) {
        inFlight++;
        published++;
        client.publish(config.topic, config.payload, { qos: 1 }, (error) => {
          inFlight--;
          if (!error) acknowledged++;
          if (Date.now() < until) pump();
          else if (inFlight === 0) resolve();
        });
      }
    };
    pump();
  });
  await client.endAsync();
  process.stdout.write(`${JSON.stringify({ published, acknowledged })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

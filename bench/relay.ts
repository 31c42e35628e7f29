import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { sleep } from '../scripts/support/service-api';
import type { Cleanup } from './cleanup';
import type { Phase } from './options';
import type { PublisherConfig } from './relay-publisher';

export interface RelayResult {
  /** Messages the subscriber received per second within the measured interval. */
  perSec: number;
  published: number;
  received: number;
}

/**
 * The broker's own relay rate, no DockProof in the path: one publisher process (relay-publisher.ts,
 * `window` QoS 1 publishes awaiting PUBACK) and one QoS 1 subscriber in this process, on separate
 * connections to the same broker, with the scanners' payloads.
 */
export async function measureRelay(options: {
  url: string;
  password?: string;
  topic: string;
  payload: string;
  phase: Phase;
  window: number;
  tag: string;
  cleanup: Cleanup;
}): Promise<RelayResult> {
  const { phase } = options;
  const subscriber = await connectAsync(options.url, {
    clientId: `${options.tag}-relay-sub`,
    username: 'bench-relay',
    password: options.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    await subscriber.subscribeAsync(options.topic, { qos: 1 });
    let received = 0;
    let window: { from: number; to?: number; startedAt: bigint; endedAt?: bigint } | undefined;
    subscriber.on('message', () => {
      if (received++ > 0) return;
      setTimeout(() => {
        window = { from: received, startedAt: process.hrtime.bigint() };
        setTimeout(() => {
          window!.to = received;
          window!.endedAt = process.hrtime.bigint();
        }, phase.measureMs);
      }, phase.warmupMs);
    });
    const published = await runPublisher(
      {
        url: options.url,
        clientId: `${options.tag}-relay-pub`,
        username: 'bench-relay',
        password: options.password,
        topic: options.topic,
        payload: options.payload,
        window: options.window,
        durationMs: phase.warmupMs + phase.measureMs + 1_500,
      },
      options.cleanup,
    );
    await sleep(500);
    if (!window?.endedAt) throw new Error(`broker baseline: only ${received} messages arrived`);
    const seconds = Number(window.endedAt - window.startedAt) / 1e9;
    return { perSec: (window.to! - window.from) / seconds, published, received };
  } finally {
    await subscriber.endAsync(true);
  }
}

async function runPublisher(config: PublisherConfig, cleanup: Cleanup): Promise<number> {
  const compiled = __filename.endsWith('.js');
  const script = join(__dirname, compiled ? 'relay-publisher.js' : 'relay-publisher.ts');
  const args = compiled ? [script] : ['-r', 'ts-node/register/transpile-only', script];
  const child = spawn(process.execPath, [...args, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let done = false;
  cleanup.add('stop the relay publisher', () => done || child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  done = true;
  if (code !== 0) throw new Error(`the relay publisher exited with ${code}`);
  return (JSON.parse(output) as { published: number }).published;
}

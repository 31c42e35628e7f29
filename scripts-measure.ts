import { connectAsync } from 'mqtt';
import { randomUUID } from 'node:crypto';

const url = 'mqtt://127.0.0.1:1883';
const N = Number(process.env.N ?? 20000);
const ARR = Number(process.env.ARR ?? 1);
const prefix = process.env.PREFIX ?? 'measure/';

function event(i: number) {
  return {
    eventId: randomUUID(),
    scannerId: 'SCN-1',
    scannedAt: new Date().toISOString(),
    direction: 'inbound',
    code: `(01)09506000134352(10)LOT${i % 50}(21)SN${i}`,
  };
}

async function relay(): Promise<number> {
  const sub = await connectAsync(url, { clientId: 'relay-sub-' + randomUUID() });
  const pub = await connectAsync(url, { clientId: 'relay-pub-' + randomUUID() });
  const topic = `${prefix}relay/${randomUUID()}`;
  await sub.subscribeAsync(topic, { qos: 1 });
  const payloads = Array.from({ length: N }, (_, i) => JSON.stringify(event(i)));
  let got = 0;
  const done = new Promise<void>((r) =>
    sub.on('message', () => {
      if (++got === N) r();
    }),
  );
  const t0 = performance.now();
  await Promise.all(payloads.map((p) => pub.publishAsync(topic, p, { qos: 1 })));
  await done;
  const rate = N / ((performance.now() - t0) / 1000);
  await sub.endAsync();
  await pub.endAsync();
  return rate;
}

async function e2e(): Promise<number> {
  const pubs = await Promise.all(
    Array.from({ length: 4 }, () => connectAsync(url, { clientId: 'scn-' + randomUUID() })),
  );
  const sub = await connectAsync(url, { clientId: 'vsub-' + randomUUID() });
  await sub.subscribeAsync(`${prefix}sites/+/docks/+/verdicts`, { qos: 1 });
  const events = Array.from({ length: N }, (_, i) => event(i));
  let got = 0;
  const done = new Promise<void>((r) =>
    sub.on('message', (_t, p) => {
      const b = JSON.parse(p.toString());
      got += Array.isArray(b) ? b.length : 1;
      if (got >= N) r();
    }),
  );
  const msgs: string[] = [];
  for (let i = 0; i < N; i += ARR)
    msgs.push(ARR === 1 ? JSON.stringify(events[i]) : JSON.stringify(events.slice(i, i + ARR)));
  const t0 = performance.now();
  await Promise.all(
    msgs.map((m, i) =>
      pubs[i % pubs.length].publishAsync(`${prefix}sites/S${i % 4}/docks/D1/scans`, m, { qos: 1 }),
    ),
  );
  await done;
  const rate = N / ((performance.now() - t0) / 1000);
  await Promise.all(pubs.map((p) => p.endAsync()));
  await sub.endAsync();
  return rate;
}

(async () => {
  const r = await relay();
  const e = await e2e();
  console.log(
    JSON.stringify({
      N,
      ARR,
      relayPerSec: Math.round(r),
      e2ePerSec: Math.round(e),
      ratio: +(e / r).toFixed(3),
    }),
  );
  process.exit(0);
})();

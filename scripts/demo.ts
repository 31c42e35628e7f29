import { join, resolve } from 'node:path';
import { DockScanner } from './demo/dock-scanner';
import { DemoOutput } from './demo/output';
import { PALLETS } from './demo/pallets';
import { Keys, SITES } from './demo/registry';
import {
  DemoService,
  prepareDataDir,
  choosePort,
  startService,
  stopAllServices,
} from './demo/service';
import { checkFlags, decide, loadRegistry, Pace, runDocks, verifyAudit } from './demo/story';
import { WmsListener } from './demo/wms';
import { sleep } from './support/service-api';

/**
 * `npm run demo`: DockProof with its embedded PostgreSQL and broker, a small registry loaded through
 * the API, dock scanners delivering genuine and counterfeit pallets, the WMS and a supervisor.
 * `--short` (or DEMO_SHORT=1) runs the same story without pauses and exits: 0 when it went as
 * written, 1 when not, so CI notices a broken demo. Otherwise it keeps DockProof up for the
 * console until Ctrl-C.
 */
const short = process.argv.includes('--short') || process.env.DEMO_SHORT === '1';
// Not DATA_DIR: the demo empties its folder, which must never be a real instance's.
const dataDir = resolve(process.env.DEMO_DATA_DIR || '.demo-data');
const pace: Pace = short
  ? { betweenScansMs: 0, betweenPalletsMs: 0 }
  : { betweenScansMs: 300, betweenPalletsMs: 2_000 };
const out = new DemoOutput();
// Ctrl-C is how the normal mode ends (exit 0); during the story it is an interruption.
let finished = false;

async function main(): Promise<number> {
  out.heading(
    `DockProof demo${short ? ' (short)' : ''}: provenance checks at two warehouses' docks`,
  );
  out.line(`data: ${dataDir} (emptied at each start of the demo)`);
  prepareDataDir(dataDir);
  const port = await choosePort(process.env.PORT);
  out.line('starting DockProof with an embedded PostgreSQL and an embedded MQTT broker...');
  const started = Date.now();
  const service = await startService({ dataDir, port, mqttPort: process.env.MQTT_PORT });
  out.line(
    `ready after ${((Date.now() - started) / 1000).toFixed(1)} s: http://localhost:${port}, ${service.mqttUrl}`,
  );
  out.line(`DockProof's own log: ${service.logFile}`);

  const keys = await loadRegistry(service.api, service.adminKey, out);
  if (!short) {
    showConsole(service, keys, 'Watch the flags arrive live');
    await sleep(5_000);
  }
  await runStory(service, keys);
  summarise();
  finished = true;
  if (short) return out.problems.length ? 1 : 0;
  showConsole(service, keys, 'Two flags are still open');
  out.line('DockProof keeps running; Ctrl-C stops it.');
  return new Promise<number>(() => undefined);
}

function summarise(): void {
  if (out.problems.length) {
    out.heading(`The story did not go as written (${out.problems.length} problems):`);
    for (const problem of out.problems) out.line(problem);
    return;
  }
  const counterfeit = PALLETS.filter((p) => Object.keys(p.suspicious).length).length;
  const genuine = PALLETS.length - counterfeit;
  out.heading(
    `The story went as written: ${counterfeit} counterfeit pallets flagged and held, ${genuine} genuine ones verified.`,
  );
}

async function runStory(service: DemoService, keys: Keys): Promise<void> {
  const siteIds = SITES.map((s) => s.siteId);
  const wms = await WmsListener.connect(service.mqttUrl, keys.wms, siteIds, out);
  const scanners = new Map<string, DockScanner>();
  for (const site of SITES)
    for (const dockId of site.docks) {
      const scannerId = `SCN-${site.siteId}-${dockId}`;
      const apiKey = keys.scanners[site.siteId];
      scanners.set(
        `${site.siteId}/${dockId}`,
        await DockScanner.connect(service.mqttUrl, {
          siteId: site.siteId,
          dockId,
          scannerId,
          apiKey,
        }),
      );
    }
  try {
    const flags = await runDocks(scanners, out, pace);
    const resent = [...scanners.values()].reduce((n, s) => n + s.resent, 0);
    out.line(`(${resent} scans were re-sent for want of a verdict within the timeout)`);
    await checkFlags(service.api, keys, wms, flags, out);
    await decide(service.api, keys, wms, flags, out);
    await verifyAudit(service.api, keys, out);
  } finally {
    await Promise.all([...scanners.values()].map((s) => s.close()));
    await wms.close();
  }
}

function showConsole(service: DemoService, keys: Keys, why: string): void {
  out.heading(`${why}: open the supervisor console`);
  out.line(`http://localhost:${service.port}/console`);
  out.line(`and sign in with the supervisor key ${keys.supervisor}`);
  out.line(`(the admin key is in ${join(dataDir, 'admin-key')})`);
}

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    out.line('stopping DockProof...');
    await stopAllServices();
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(finished ? 0 : 130));
process.on('SIGTERM', () => void stop(finished ? 0 : 143));

main().then(
  (code) => stop(code),
  (error: unknown) => {
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    return stop(1);
  },
);

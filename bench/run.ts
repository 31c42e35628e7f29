import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceApi } from '../scripts/support/service-api';
import { purgeScanSessions } from '../src/broker/persistent-sessions';
import { findFreePort } from '../src/database/free-port';
import { withClient } from '../src/database/with-client';
import { benchApi } from './api';
import { bulkLoadListed } from './bulk-load';
import { Cleanup } from './cleanup';
import { CpuSample, rssMb, sampleCpu } from './cpu';
import { measureEchoCeiling } from './echo';
import { BenchBroker, BenchDatabase, chooseBroker, provisionDatabase } from './environment';
import { certifiedSerials, Lane, lanesFor, registryBatches, splitForScale } from './layout';
import { BenchOptions, parseOptions } from './options';
import { Accounts, loadAccounts, loadClearancesAndManifests, uploadCertificates } from './registry';
import { measureRelay } from './relay';
import { BenchResult, printReport, SoakResult } from './report';
import { sampleMessage } from './scan-mix';
import { ScannerFleet } from './scanners';
import { ServiceProcess } from './service';

const started = performance.now();

function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds} s] ${message}\n`);
}

interface Running {
  api: ServiceApi;
  service: ServiceProcess;
  db: BenchDatabase;
  broker: BenchBroker;
  adminKey: string;
  prefix: string;
  tag: string;
  cpu(): CpuSample;
  /** Stops it and removes what it made (also done by the run's cleanup). */
  close(): Promise<void>;
}

/** DockProof as its own process on a fresh database, topic prefix, share group and port. */
async function startService(cleanup: Cleanup, cpuProfile: boolean): Promise<Running> {
  const own = new Cleanup();
  cleanup.add('this DockProof and what it made', () => own.runAll());
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const db = await provisionDatabase(own, tag);
  const broker = await chooseBroker();
  progress(`DockProof ${tag}: PostgreSQL ${db.mode}, broker ${broker.mode} (${broker.url})`);
  const instanceId = `bench-${tag}`;
  const sessions = { count: 0 };
  if (broker.mode === 'external')
    own.add('remove DockProof sessions from the broker', () =>
      purgeScanSessions(broker.url, instanceId, sessions.count),
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'dockproof-bench-'));
  own.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await findFreePort();
  const adminKey = `dp_admin_bench_${randomBytes(24).toString('hex')}`;
  const profileDir = cpuProfile ? join(__dirname, '../test-artifacts/bench-profile') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const prefix = `bench-${tag}/`;
  const service = ServiceProcess.start(
    {
      ...process.env,
      ...broker.env,
      PORT: String(port),
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      DOCKPROOF_ADMIN_KEY: adminKey,
      DOCKPROOF_INSTANCE_ID: instanceId,
      MQTT_TOPIC_PREFIX: prefix,
      MQTT_SHARE_GROUP: `bench-${tag}`,
      LOG_LEVEL: 'warn',
    },
    profileDir,
  );
  own.add('stop DockProof', () => service.stop());
  const api = benchApi(`http://127.0.0.1:${port}`);
  const health = await service.waitHealthy(api);
  sessions.count = Number(/\/(\d+)$/.exec(String(health.broker.subscribers ?? ''))?.[1] ?? 256);
  if (profileDir) progress(`its CPU profile goes to ${profileDir} when it stops`);
  return {
    api,
    service,
    db,
    broker,
    adminKey,
    prefix,
    tag,
    cpu: () => sampleCpu(service.pid, broker.mode === 'embedded'),
    close: () => own.runAll(),
  };
}

/**
 * A registry in service was loaded long ago: vacuumed (hint bits, visibility map), analysed and
 * checkpointed, so the first scans do not pay for writing it back.
 */
async function settle(db: BenchDatabase): Promise<void> {
  await withClient(db.url, async (c) => {
    await c.query('VACUUM ANALYZE certificate_serials, certificates');
    await c.query('CHECKPOINT');
  });
}

async function countScans(db: BenchDatabase): Promise<number> {
  const { rows } = await withClient(db.url, (c) =>
    c.query<{ n: string }>('SELECT count(*) AS n FROM scans'),
  );
  return Number(rows[0].n);
}

function connectFleet(app: Running, accounts: Accounts, lanes: Lane[], name: string) {
  return ScannerFleet.connect({
    url: app.broker.url,
    prefix: app.prefix,
    lanes,
    scannerKeys: accounts.scannerKeys,
    runTag: `${app.tag}${name}`,
    cpu: app.cpu,
  });
}

/**
 * The scale comparison's run, the same on both registries: a pre-roll (it warms DockProof up and
 * puts rows in the tables it reads), ANALYZE (as autovacuum would have by then), the measured phase.
 */
async function scaleRun(app: Running, accounts: Accounts, lanes: Lane[], options: BenchOptions) {
  const fleet = await connectFleet(app, accounts, lanes, 'c');
  try {
    await fleet.saturate({ warmupMs: 5_000, measureMs: 0 }, options.singleWindow, 1);
    await withClient(app.db.url, (c) => c.query('ANALYZE'));
    const stats = await fleet.saturate(options.phases.scale, options.singleWindow, 1);
    return { stats, answered: fleet.answered };
  } finally {
    await fleet.close();
  }
}

/**
 * The small registry (10,000 serials) gets a DockProof and database of its own, so that the two
 * sides of the scale comparison differ in the registry alone, not in what else is stored.
 */
async function measureSmallRegistry(options: BenchOptions, cleanup: Cleanup) {
  progress('scale comparison, small registry: its own DockProof and database');
  const app = await startService(cleanup, false);
  try {
    const accounts = await loadAccounts(app.api, app.adminKey);
    const batches = registryBatches('small', options);
    const lanes = lanesFor('small', batches, options);
    await uploadCertificates(app.api, accounts, batches);
    await loadClearancesAndManifests(app.api, app.adminKey, accounts, batches, lanes, 'small');
    await settle(app.db);
    const { stats, answered } = await scaleRun(app, accounts, lanes, options);
    progress(`small registry: ${Math.round(stats.perSec)} scans/s`);
    return {
      stats,
      answered,
      committed: await countScans(app.db),
      serials: certifiedSerials(batches),
    };
  } finally {
    await app.close();
  }
}

async function run(options: BenchOptions, cleanup: Cleanup): Promise<BenchResult> {
  const small = await measureSmallRegistry(options, cleanup);

  progress('the big registry: its DockProof');
  const app = await startService(cleanup, options.cpuProfile);
  const rssIdleMb = rssMb(app.service.pid);
  const accounts = await loadAccounts(app.api, app.adminKey);
  const bigBatches = registryBatches('big', options);
  const allLanes = lanesFor('big', bigBatches, options);

  progress('broker baseline: single events');
  const relayCommon = { url: app.broker.url, password: app.adminKey, tag: app.tag, cleanup };
  const relay = await measureRelay({
    ...relayCommon,
    topic: `${app.prefix}relay/single`,
    payload: sampleMessage(allLanes[0], 1),
    phase: options.phases.relay,
    window: 1000,
  });
  progress(`broker baseline: ${Math.round(relay.perSec)} msg/s; arrays of ${options.batchSize}`);
  const relayBatch = await measureRelay({
    ...relayCommon,
    topic: `${app.prefix}relay/batch`,
    payload: sampleMessage(allLanes[0], options.batchSize),
    phase: options.phases.relayBatch,
    window: 20,
  });

  progress('protocol ceiling: the scanners against an echo responder');
  const echo = await measureEchoCeiling({
    url: app.broker.url,
    adminKey: app.adminKey,
    prefix: app.prefix,
    lanes: allLanes,
    tag: app.tag,
    single: { phase: options.phases.echo, window: options.singleWindow },
    batch: {
      phase: options.phases.echoBatch,
      window: options.batchWindow,
      size: options.batchSize,
    },
    cpu: app.cpu,
    cleanup,
  });
  progress(
    `protocol ceiling: ${Math.round(echo.single.perSec)} single, ${Math.round(echo.batch.perSec)} in arrays /s`,
  );

  const registryLoadSeconds = await loadBigRegistry(app, accounts, options);
  const lanes = splitForScale(allLanes, options.smallSerialsPerCertificate);
  const rssStartMb = rssMb(app.service.pid);
  progress('scale comparison, big registry: the same traffic');
  const scale = await scaleRun(app, accounts, lanes.scale, options);
  progress(`big registry: ${Math.round(scale.stats.perSec)} scans/s; now fresh serials`);

  const fleet = await connectFleet(app, accounts, lanes.rest, 'b');
  cleanup.add('close the scanners', () => fleet.close());
  const single = await fleet.saturate(options.phases.single, options.singleWindow, 1);
  progress(`single events: ${Math.round(single.perSec)} scans/s; now arrays`);
  const batch = await fleet.saturate(options.phases.batch, options.batchWindow, options.batchSize);
  progress(`arrays: ${Math.round(batch.perSec)} scans/s; now paced at ${options.offeredPerSec}/s`);
  const paced = await fleet.pace(options.phases.paced, options.offeredPerSec);
  const soak = options.soak && (await runSoak(app, fleet, options.soak, options.offeredPerSec));
  const rssEndMb = rssMb(app.service.pid);
  await fleet.close();

  return {
    quick: options.quick,
    broker: app.broker.mode,
    database: app.db.mode,
    relay,
    relayBatch,
    echo,
    small: small.stats,
    scale: scale.stats,
    single,
    batch,
    paced,
    soak,
    offeredPerSec: options.offeredPerSec,
    batchSize: options.batchSize,
    smallSerials: small.serials,
    certifiedSerials: certifiedSerials(bigBatches),
    registryLoadSeconds,
    rssIdleMb,
    rssStartMb,
    rssEndMb,
    committedScans: small.committed + (await countScans(app.db)),
    answeredScans: small.answered + scale.answered + fleet.answered,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * The offered load for minutes on end, in back-to-back paced intervals, with the service's memory
 * read after each: memory that keeps growing under a steady load is a leak.
 */
async function runSoak(
  app: Running,
  fleet: ScannerFleet,
  soak: { measureMs: number; sampleEveryMs: number },
  perSec: number,
): Promise<SoakResult> {
  const minutes = soak.measureMs / 60_000;
  progress(`soak: ${minutes} minutes at ${perSec}/s, memory every ${soak.sampleEveryMs / 1000} s`);
  const result: SoakResult = { rssMb: [rssMb(app.service.pid)], intervals: [] };
  for (let spent = 0; spent < soak.measureMs; spent += soak.sampleEveryMs) {
    result.intervals.push(await fleet.pace({ warmupMs: 0, measureMs: soak.sampleEveryMs }, perSec));
    result.rssMb.push(rssMb(app.service.pid));
  }
  progress(`soak: RSS ${result.rssMb.map((mb) => Math.round(mb)).join(', ')} MB`);
  return result;
}

/** Range certificates through the API, listed serials straight into the tables; then settle. */
async function loadBigRegistry(
  app: Running,
  accounts: Accounts,
  options: BenchOptions,
): Promise<number> {
  const loadStarted = performance.now();
  const batches = registryBatches('big', options);
  const listed = batches.filter((b) => b.listed);
  const ranges = batches.filter((b) => !b.listed);
  progress(
    `big registry: ${certifiedSerials(batches).toLocaleString('en-US')} serials ` +
      `(${listed.length} certificates listing them, ${ranges.length} with ranges)`,
  );
  await uploadCertificates(app.api, accounts, ranges);
  await bulkLoadListed(app.db.url, accounts, listed);
  const lanes = lanesFor('big', batches, options);
  await loadClearancesAndManifests(app.api, app.adminKey, accounts, batches, lanes, 'big');
  await settle(app.db);
  const seconds = (performance.now() - loadStarted) / 1000;
  progress(`big registry loaded in ${seconds.toFixed(1)} s`);
  return seconds;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cleanup = new Cleanup();
  const interrupted = (signal: string) => {
    progress(`${signal}: cleaning up`);
    void cleanup.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let result: BenchResult | undefined;
  try {
    result = await run(options, cleanup);
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
  progress('cleaning up');
  await cleanup.runAll();
  if (result) printReport(result);
  // Lingering sockets (pg, mqtt) must not keep a finished run alive.
  process.exit();
}

void main();

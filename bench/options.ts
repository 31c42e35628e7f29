/** What one run measures and for how long; `--quick` trades precision for a run under two minutes. */
export interface BenchOptions {
  quick: boolean;
  /** Run the service with `node --cpu-prof` and keep the profile. */
  cpuProfile: boolean;
  /** Certificates of the big registry, each certifying `serialsPerCertificate` serials. */
  bigCertificates: number;
  serialsPerCertificate: number;
  /** Every n-th big certificate certifies a serial range instead of a list. */
  rangeEvery: number;
  /**
   * The small registry of the scale comparison: 16 certificates × 625 = 10,000 serials; on the big
   * registry the same comparison scans 625 serials of one certificate per lane.
   */
  smallCertificates: number;
  smallSerialsPerCertificate: number;
  /** Scanner connections; a multiple of SUPPLIERS (each lane scans one supplier's batches). */
  lanes: number;
  /** Messages in flight per scanner connection at saturation. */
  singleWindow: number;
  batchWindow: number;
  batchSize: number;
  offeredPerSec: number;
  /** Paced at `offeredPerSec` after the other phases, sampling the service's memory (full run only). */
  soak: { measureMs: number; sampleEveryMs: number } | null;
  phases: {
    relay: Phase;
    relayBatch: Phase;
    /** The echo responder (the protocol ceiling), single events and arrays. */
    echo: Phase;
    echoBatch: Phase;
    /** Each registry size, measured with the same traffic (scale comparison). */
    scale: Phase;
    single: Phase;
    batch: Phase;
    paced: Phase;
  };
}

export interface Phase {
  warmupMs: number;
  measureMs: number;
}

export function parseOptions(argv: string[]): BenchOptions {
  const known = new Set(['--quick', '--cpu-prof']);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length)
    throw new Error(`unknown option ${unknown.join(' ')} (known: --quick, --cpu-prof)`);
  const quick = argv.includes('--quick');
  const s = (seconds: number) => seconds * 1000;
  return {
    quick,
    cpuProfile: argv.includes('--cpu-prof'),
    bigCertificates: quick ? 100 : 1000,
    serialsPerCertificate: 10_000,
    rangeEvery: 25,
    smallCertificates: 16,
    smallSerialsPerCertificate: 625,
    lanes: 16,
    singleWindow: 64,
    batchWindow: 4,
    batchSize: 100,
    offeredPerSec: 2000,
    soak: quick ? null : { measureMs: s(300), sampleEveryMs: s(30) },
    phases: quick
      ? {
          relay: { warmupMs: s(1), measureMs: s(4) },
          relayBatch: { warmupMs: s(1), measureMs: s(3) },
          echo: { warmupMs: s(1), measureMs: s(4) },
          echoBatch: { warmupMs: s(1), measureMs: s(3) },
          scale: { warmupMs: s(2), measureMs: s(8) },
          single: { warmupMs: s(2), measureMs: s(7) },
          batch: { warmupMs: s(2), measureMs: s(7) },
          paced: { warmupMs: s(2), measureMs: s(8) },
        }
      : {
          relay: { warmupMs: s(3), measureMs: s(10) },
          relayBatch: { warmupMs: s(2), measureMs: s(5) },
          echo: { warmupMs: s(3), measureMs: s(10) },
          echoBatch: { warmupMs: s(2), measureMs: s(5) },
          scale: { warmupMs: s(5), measureMs: s(15) },
          single: { warmupMs: s(5), measureMs: s(20) },
          batch: { warmupMs: s(5), measureMs: s(20) },
          paced: { warmupMs: s(3), measureMs: s(20) },
        },
  };
}

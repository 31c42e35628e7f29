import { CpuSpent, otherCpu } from './cpu';
import type { RelayResult } from './relay';
import type { PhaseStats } from './scanners';
import { KINDS } from './scan-mix';
import { round } from './stats';

export interface BenchResult {
  quick: boolean;
  broker: string;
  database: string;
  relay: RelayResult;
  relayBatch: RelayResult;
  /** The same scanners answered by an echo responder: scan in, verdict out, nothing else. */
  echo: { single: PhaseStats; batch: PhaseStats };
  small: PhaseStats;
  scale: PhaseStats;
  single: PhaseStats;
  batch: PhaseStats;
  paced: PhaseStats;
  soak: SoakResult | null;
  offeredPerSec: number;
  batchSize: number;
  smallSerials: number;
  /** Of the big registry, the one every phase but the small registry's runs on. */
  certifiedSerials: number;
  registryLoadSeconds: number;
  rssIdleMb: number;
  rssStartMb: number;
  rssEndMb: number;
  committedScans: number;
  answeredScans: number;
  totalSeconds: number;
}

export interface SoakResult {
  /** The service's resident memory before the soak and after each interval. */
  rssMb: number[];
  intervals: PhaseStats[];
}

/** The figures of the issue, in this order; the last line printed is this object as JSON. */
export function summary(r: BenchResult): Record<string, number | string | boolean> {
  const ratio = (value: number, base: number) => round(value / base, 3);
  return {
    brokerRelayPerSec: Math.round(r.relay.perSec),
    e2ePerSec: Math.round(r.single.perSec),
    ratio: ratio(r.single.perSec, r.relay.perSec),
    batchE2ePerSec: Math.round(r.batch.perSec),
    batchRatio: ratio(r.batch.perSec, r.relay.perSec),
    p50Ms: round(r.paced.latency.p50, 2),
    p95Ms: round(r.paced.latency.p95, 2),
    p99Ms: round(r.paced.latency.p99, 2),
    offeredPerSec: r.offeredPerSec,
    achievedOfferedPerSec: Math.round(r.paced.offeredPerSec),
    certifiedSerials: r.certifiedSerials,
    rssMb: round(r.rssEndMb),
    rssStartMb: round(r.rssStartMb),
    e2ePerSecSmallRegistry: Math.round(r.small.perSec),
    e2ePerSecBigRegistry: Math.round(r.scale.perSec),
    scaleRatio: ratio(r.scale.perSec, r.small.perSec),
    scaleSmallSerials: r.smallSerials,
    scaleBigSerials: r.certifiedSerials,
    brokerRelayBatchMsgPerSec: Math.round(r.relayBatch.perSec),
    echoPerSec: Math.round(r.echo.single.perSec),
    echoRatio: ratio(r.echo.single.perSec, r.relay.perSec),
    batchEchoPerSec: Math.round(r.echo.batch.perSec),
    batchEchoRatio: ratio(r.echo.batch.perSec, r.relay.perSec),
    unanswered: phases(r).reduce((n, p) => n + p.unanswered, 0),
    unexpectedVerdicts: phases(r).reduce((n, p) => n + p.unexpected, 0),
    registryLoadSeconds: round(r.registryLoadSeconds),
    ...(r.soak && {
      soakMinutes: round(r.soak.intervals.length * soakIntervalMinutes(r.soak), 1),
      soakRssFirstMb: round(r.soak.rssMb[0]),
      soakRssMaxMb: round(Math.max(...r.soak.rssMb)),
      soakRssLastMb: round(r.soak.rssMb[r.soak.rssMb.length - 1]),
      soakP99Ms: round(worstP99(r.soak), 2),
    }),
    quick: r.quick,
    broker: r.broker,
    database: r.database,
  };
}

function phases(r: BenchResult): PhaseStats[] {
  return [r.small, r.scale, r.single, r.batch, r.paced, ...(r.soak?.intervals ?? [])];
}

function worstP99(soak: SoakResult): number {
  const p99s = soak.intervals.map((i) => i.latency.p99).filter(Number.isFinite);
  return p99s.length ? Math.max(...p99s) : NaN;
}

function soakIntervalMinutes(soak: SoakResult): number {
  const i = soak.intervals[0];
  return i ? i.seconds / 60 : 0;
}

export function printReport(r: BenchResult): void {
  const s = summary(r);
  const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
  const cpu = (c: CpuSpent | undefined, scans: number) =>
    c
      ? [c.service, c.broker, c.postgres, c.driver, Math.max(0, otherCpu(c))]
          .map((v) => (v / scans).toFixed(3))
          .join(' / ')
      : '-';
  // The echo responder answers every scan `verified`: its verdicts are not checked.
  const row = (name: string, p: PhaseStats, checked = true) => [
    name,
    n(p.perSec),
    n(p.offeredPerSec),
    ms(p.latency.p50),
    ms(p.latency.p95),
    ms(p.latency.p99),
    ms(p.latency.max),
    n(p.resent),
    n(p.unanswered),
    checked ? n(p.unexpected) : '',
    cpu(p.cpu, p.answered),
  ];
  const relayRow = (name: string, relay: RelayResult) => [
    name,
    n(relay.perSec),
    '',
    '',
    '',
    '',
    '',
    '',
    n(relay.published - relay.received),
    '',
    '',
  ];
  const out: string[] = [];
  out.push(
    `DockProof benchmark (${r.quick ? 'quick' : 'full'}): broker ${r.broker}, PostgreSQL ${r.database}, ` +
      `${n(r.certifiedSerials)} certified serials, ${round(r.totalSeconds)} s in all`,
    '',
  );
  out.push(
    ...table([
      [
        'phase',
        'per s',
        'offered/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'resent',
        'unanswered',
        'unexpected',
        'CPU ms/scan: service / broker / pg / scanners / other',
      ],
      relayRow('broker relay, single events (msg/s)', r.relay),
      relayRow(`broker relay, arrays of ${r.batchSize} (msg/s)`, r.relayBatch),
      row('echo responder, single events (other = it)', r.echo.single, false),
      row(`echo responder, arrays of ${r.batchSize}`, r.echo.batch, false),
      row(`e2e saturation, ${n(r.smallSerials)}-serial registry`, r.small),
      row(`  same traffic, ${n(r.certifiedSerials)}-serial registry`, r.scale),
      row(`e2e saturation, fresh serials`, r.single),
      row(`e2e saturation, arrays of ${r.batchSize}`, r.batch),
      row(`e2e paced at ${n(r.offeredPerSec)}/s`, r.paced),
    ]),
  );
  const mix = KINDS.map((k) => `${k} ${round((100 * r.paced.kinds[k]) / r.paced.answered, 1)}%`);
  const examples = phases(r)
    .flatMap((p) => p.examples)
    .slice(0, 5);
  out.push(
    '',
    ...table([
      ['figure', 'value', 'target'],
      ['ratio (e2e single / broker relay)', String(s.ratio), '>= 0.3'],
      [`batchRatio (e2e arrays of ${r.batchSize} / broker relay)`, String(s.batchRatio), '>= 1.0'],
      [
        `p50 / p95 / p99 at ${n(r.offeredPerSec)}/s offered`,
        `${ms(r.paced.latency.p50)} / ${ms(r.paced.latency.p95)} / ${ms(r.paced.latency.p99)} ms`,
        'p99 < 50 ms',
      ],
      [
        `scaleRatio (same traffic, ${n(r.certifiedSerials)} vs ${n(r.smallSerials)} serials)`,
        String(s.scaleRatio),
        '>= 0.9',
      ],
      [
        'service RSS: idle / start of load / end',
        `${round(r.rssIdleMb)} / ${round(r.rssStartMb)} / ${round(r.rssEndMb)} MB`,
        'bounded',
      ],
      ...(r.soak
        ? [
            [
              `service RSS over the soak at ${n(r.offeredPerSec)}/s (start, each interval)`,
              `${r.soak.rssMb.map((mb) => Math.round(mb)).join(' ')} MB`,
              'no growth',
            ],
            ['worst interval p99 during the soak', `${ms(worstP99(r.soak))} ms`, ''],
          ]
        : []),
      ['registry load (big registry)', `${round(r.registryLoadSeconds)} s`, ''],
      ['scans committed / answered', `${n(r.committedScans)} / ${n(r.answeredScans)}`, ''],
    ]),
    '',
    `scan mix of the paced phase: ${mix.join(', ')}`,
  );
  if (examples.length) out.push('', 'unexpected verdicts, e.g.:', ...examples.map((e) => `  ${e}`));
  out.push('', JSON.stringify(s));
  process.stdout.write(`${out.join('\n')}\n`);
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r, i) =>
    r
      .map((cell, c) => (c === 0 || i === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { isTransientDatabaseError } from '../database/transient-error';
import { Gs1ParseResult, parseGs1 } from '../gs1/parse-gs1';
import type { VerificationOutcome } from '../verification/verify-scan';
import { FlagsService, SuspiciousScan } from '../flags/flags.service';
import { MetricsService } from '../metrics/metrics.service';
import { VerificationService } from '../verification/verification.service';
import { rejectedVerdict, Verdict } from '../verification/verdict';
import { DecodedMessage, decodeScanMessage } from './decode-scan-message';
import { GroupCommitter } from './group-committer';
import type { ScanEvent } from './scan-event.schema';
import { DockAddress, verdictTopic } from './scan-topic';
import { RejectedRow, ScanRow, ScansRepository } from './scans.repository';

export interface InboundScanMessage {
  source: 'mqtt' | 'http';
  topic: string;
  /** The bytes received, or their first part when the message was too large to keep whole. */
  payload: Buffer;
  /** Size as received, when `payload` holds only its first part. */
  totalBytes?: number;
  /** SHA-256 of the whole message as received, when `payload` holds only its first part. */
  sha256?: Buffer;
  receivedAt: Date;
}

export interface MessageOutcome {
  /** Where the scanner listens for the answer; null when the topic names no dock. */
  verdictTopic: string | null;
  isArray: boolean;
  verdicts: Verdict[];
}

type SourcedVerdict = [InboundScanMessage['source'], Verdict];

interface PendingScan {
  event: ScanEvent;
  dock: DockAddress;
  message: InboundScanMessage;
}

export class ShuttingDownError extends Error {}

const MAX_RETRY_DELAY_MS = 5_000;
const MAX_MESSAGES_PER_COMMIT = 256;
const CONCURRENT_COMMITS = 2;
// About 32 single-scan messages, or any array message.
const OVERLAP_FROM_BYTES = 8 * 1024;
// Enough to find one scanner's complaint in the lines about a batch; the count says the rest.
const LOGGED_EVENT_IDS = 20;

/**
 * Turns a batch of raw scans messages into committed scans and verdicts in one transaction:
 * decode, verify against facts looked up for the whole batch, insert what is new, and answer a
 * re-sent eventId with its first verdict.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);
  private stopping = false;
  private readonly committer = new GroupCommitter<InboundScanMessage, MessageOutcome>(
    // A commit serves many messages: outside the log context of the one that happened to start it.
    (messages) => this.logContext.runInContext(() => this.ingest(messages)),
    {
      maxBatch: MAX_MESSAGES_PER_COMMIT,
      maxConcurrent: CONCURRENT_COMMITS,
      overlapFrom: OVERLAP_FROM_BYTES,
      weight: (message) => message.payload.length,
    },
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly verification: VerificationService,
    private readonly flags: FlagsService,
    private readonly scans: ScansRepository,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly metrics: MetricsService,
    private readonly logContext: PinoLogger,
  ) {
    metrics.gauge(
      'dockproof_scan_messages_in_flight',
      'Scans messages received and not yet committed; over MQTT each holds its connection',
      () => this.backlog,
    );
  }

  /** Resolves once the message is committed, sharing the commit with whatever else is waiting. */
  submit(message: InboundScanMessage): Promise<MessageOutcome> {
    if (this.stopping) return Promise.reject(new ShuttingDownError('DockProof is shutting down'));
    const timer = this.metrics.answerSeconds.startTimer({ source: message.source });
    return this.committer.submit(message).then((outcome) => {
      timer();
      return outcome;
    });
  }

  /** Work under way finishes; a commit that cannot happen is given up, leaving messages unacknowledged. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.committer.drain();
  }

  get backlog(): number {
    return this.committer.depth;
  }

  private async ingest(messages: InboundScanMessage[]): Promise<MessageOutcome[]> {
    const now = new Date();
    const prefix = this.settings.MQTT_TOPIC_PREFIX;
    const decoded = messages.map((m) =>
      decodeScanMessage(m.topic, m.payload, prefix, m.totalBytes ?? m.payload.length),
    );
    try {
      const { verdicts, stored } = await this.retryWhileTransient(
        () => this.dataSource.transaction((db) => this.store(db, messages, decoded, now)),
        () => ({ messages: messages.length, ...eventIdFields(decoded) }),
      );
      const outcomes = decoded.map((d, i) => this.outcome(messages[i], d, verdicts, now));
      const rejected = outcomes.flatMap((o, i) =>
        o.verdicts
          .filter((v) => v.status === 'rejected')
          .map((v): SourcedVerdict => [messages[i].source, v]),
      );
      this.count([...stored, ...rejected]);
      return outcomes;
    } catch (error) {
      if (error instanceof ShuttingDownError || isTransientDatabaseError(error)) throw error;
      // One bad message must not fail its whole batch again and again: isolate it.
      if (messages.length > 1) {
        const outcomes: MessageOutcome[] = [];
        for (const message of messages) outcomes.push(...(await this.ingest([message])));
        return outcomes;
      }
      return [await this.deadLetter(messages[0], decoded[0], error, now)];
    }
  }

  private async store(
    db: EntityManager,
    messages: InboundScanMessage[],
    decoded: DecodedMessage[],
    now: Date,
  ): Promise<{ verdicts: Map<string, Verdict>; stored: SourcedVerdict[] }> {
    const all = firstOfEachEventId(messages, decoded);
    // A copy of a scan being committed elsewhere (a re-send, a redelivery that reached another
    // connection or instance) waits here for that commit, then is answered from storage below:
    // verified beside it, it would flag or move its unit a second time.
    await this.scans.lockEventIds(
      db,
      all.map((p) => p.event.eventId),
    );
    // A re-sent scan is answered from storage, not verified again: its movements were recorded the first time.
    const stored = await this.scans.findVerdicts(
      db,
      all.map((p) => p.event.eventId),
    );
    const pending = all.filter((p) => !stored.has(p.event.eventId));
    const barcodes = pending.map((p) => parseGs1(p.event.code, now));
    const outcomes = await this.verification.verifyAll(
      db,
      pending.map((p, i) => ({
        eventId: p.event.eventId,
        siteId: p.dock.siteId,
        code: p.event.code,
        scannedAt: new Date(p.event.scannedAt),
        direction: p.event.direction,
        palletSscc: p.event.palletSscc,
        barcode: barcodes[i],
      })),
    );
    const flagIds = await this.flags.raiseForScans(db, suspiciousScans(pending, outcomes), now);
    const rows = pending.map((p, i) =>
      toScanRow(
        p,
        barcodes[i],
        outcomes[i],
        outcomes[i].heldBy ?? flagIds.get(p.event.eventId) ?? null,
        now,
      ),
    );
    const inserted = await this.scans.insertNew(db, rows);
    // Under the eventId locks no other commit can have stored one of these; should one be stored
    // all the same, its verdict stands.
    const raced = await this.scans.findVerdicts(
      db,
      rows.filter((r) => !inserted.has(r.eventId)).map((r) => r.eventId),
    );
    await this.scans.insertRejected(db, rejectedRows(messages, decoded));
    const fresh = rows.map((r): [string, Verdict] => [
      r.eventId,
      raced.get(r.eventId) ?? r.verdict,
    ]);
    return {
      verdicts: new Map([...stored, ...fresh]),
      stored: rows
        .filter((r) => inserted.has(r.eventId))
        .map((r): SourcedVerdict => [r.source, r.verdict]),
    };
  }

  /**
   * Scans when first stored (a re-send is answered, not counted again), rejected entries each time
   * they are answered (kept once).
   */
  private count(verdicts: SourcedVerdict[]): void {
    for (const [source, verdict] of verdicts) {
      this.metrics.scans.inc({ source, status: verdict.status });
      for (const reason of verdict.reasons) this.metrics.scanReasons.inc({ reason: reason.code });
    }
  }

  private outcome(
    message: InboundScanMessage,
    decoded: DecodedMessage,
    verdicts: Map<string, Verdict>,
    now: Date,
  ): MessageOutcome {
    return {
      verdictTopic: this.verdictTopicFor(message.topic, decoded.dock),
      isArray: decoded.isArray,
      verdicts: decoded.entries.map((entry) =>
        entry.kind === 'scan'
          ? verdicts.get(entry.event.eventId)!
          : rejectedVerdict(entry.eventId, entry.reason, now),
      ),
    };
  }

  private verdictTopicFor(topic: string, dock: DockAddress | null): string | null {
    if (dock) return verdictTopic(this.settings.MQTT_TOPIC_PREFIX, dock);
    return topic.endsWith('/scans') ? `${topic.slice(0, -'scans'.length)}verdicts` : null;
  }

  /** The last resort for a message that cannot be stored: keep it as rejected, with the reason. */
  private async deadLetter(
    message: InboundScanMessage,
    decoded: DecodedMessage,
    error: unknown,
    now: Date,
  ): Promise<MessageOutcome> {
    const reason = `message could not be stored: ${error instanceof Error ? error.message : String(error)}`;
    const concerning = { topic: message.topic, ...eventIdFields([decoded]) };
    this.logger.error({ msg: reason, ...concerning });
    const eventId = decoded.entries.length === 1 ? entryEventId(decoded.entries[0]) : null;
    await this.retryWhileTransient(
      () =>
        this.dataSource.transaction((db) =>
          this.scans.insertRejected(db, [
            {
              ...rowBase(message),
              eventId,
              reason,
              payload: message.payload,
              sha256: message.sha256,
            },
          ]),
        ),
      () => concerning,
    );
    const verdict = rejectedVerdict(eventId, reason, now);
    this.count([[message.source, verdict]]);
    return {
      verdictTopic: this.verdictTopicFor(message.topic, decoded.dock),
      isArray: false,
      verdicts: [verdict],
    };
  }

  /** `concerning`: the messages' eventIds, named in the retry warnings. */
  private async retryWhileTransient<T>(
    work: () => Promise<T>,
    concerning: () => Record<string, unknown>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        if (this.stopping)
          throw new ShuttingDownError('shutting down while the database is unavailable');
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt);
        if (attempt === 0 || delay === MAX_RETRY_DELAY_MS) {
          this.logger.warn({
            msg: `database unavailable (${(error as Error).message}); retrying in ${delay} ms`,
            ...concerning(),
          });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** Suspicious scans that no flag holds yet: each joins its pallet's flag or gets its own. */
function suspiciousScans(
  pending: PendingScan[],
  outcomes: VerificationOutcome[],
): SuspiciousScan[] {
  return pending.flatMap((p, i) =>
    outcomes[i].status === 'suspicious' && !outcomes[i].heldBy
      ? [
          {
            eventId: p.event.eventId,
            siteId: p.dock.siteId,
            palletSscc: p.event.palletSscc ?? null,
            code: p.event.code,
            outcome: outcomes[i],
          },
        ]
      : [],
  );
}

function toScanRow(
  p: PendingScan,
  barcode: Gs1ParseResult,
  outcome: VerificationOutcome,
  flagId: string | null,
  now: Date,
): ScanRow {
  const unit = barcode.ok && barcode.kind === 'unit' ? barcode : undefined;
  const { status, reasons, item } = outcome;
  return {
    eventId: p.event.eventId,
    siteId: p.dock.siteId,
    dockId: p.dock.dockId,
    scannerId: p.event.scannerId,
    direction: p.event.direction,
    scannedAt: p.event.scannedAt,
    receivedAt: p.message.receivedAt,
    source: p.message.source,
    code: p.event.code,
    palletSscc: p.event.palletSscc ?? null,
    gtin: unit?.gtin ?? null,
    lot: unit?.lot ?? null,
    serial: unit?.serial ?? null,
    expiry: unit?.expiry ?? null,
    sscc: barcode.ok && barcode.kind === 'pallet' ? barcode.sscc : null,
    verdict: {
      eventId: p.event.eventId,
      status,
      reasons,
      ...(item && { item }),
      flagId,
      verifiedAt: now.toISOString(),
    },
  };
}

function firstOfEachEventId(
  messages: InboundScanMessage[],
  decoded: DecodedMessage[],
): PendingScan[] {
  const first = new Map<string, PendingScan>();
  decoded.forEach((d, i) => {
    for (const entry of d.entries) {
      if (entry.kind === 'scan' && d.dock && !first.has(entry.event.eventId)) {
        first.set(entry.event.eventId, { event: entry.event, dock: d.dock, message: messages[i] });
      }
    }
  });
  return [...first.values()];
}

function rejectedRows(messages: InboundScanMessage[], decoded: DecodedMessage[]): RejectedRow[] {
  return decoded.flatMap((d, i) =>
    d.entries.flatMap((entry) =>
      entry.kind === 'rejected'
        ? [
            {
              ...rowBase(messages[i]),
              eventId: entry.eventId,
              reason: entry.reason,
              payload: entry.raw,
              totalBytes: entry.rawBytes,
              // The message's own hash when the entry is the whole message, perhaps cut short.
              sha256: entry.raw === messages[i].payload ? messages[i].sha256 : undefined,
            },
          ]
        : [],
    ),
  );
}

function rowBase(
  message: InboundScanMessage,
): Pick<RejectedRow, 'receivedAt' | 'source' | 'topic' | 'totalBytes'> {
  const { receivedAt, source, topic } = message;
  return { receivedAt, source, topic, totalBytes: message.totalBytes ?? message.payload.length };
}

/** `eventId` for one scan, else the first `eventIds` and how many there are in all. */
function eventIdFields(decoded: DecodedMessage[]): Record<string, unknown> {
  const eventIds = decoded.flatMap((d) => d.entries.map(entryEventId)).filter((id) => id !== null);
  if (eventIds.length === 1) return { eventId: eventIds[0] };
  return { eventIds: eventIds.slice(0, LOGGED_EVENT_IDS), eventCount: eventIds.length };
}

function entryEventId(entry: DecodedMessage['entries'][number]): string | null {
  return entry.kind === 'scan' ? entry.event.eventId : entry.eventId;
}

import { Injectable, Logger, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { toFlagView } from './flag-view';
import { CHANGES_PAGE } from './flags.repository';
import { FlagsService, visibleSites } from './flags.service';

const POLL_MS = 1_000;
const KEEP_ALIVE_MS = 15_000;
// Transactions commit after the updated_at they wrote: look back this far and skip what was sent.
const COMMIT_MARGIN_MS = 10_000;
// A client that stops reading is dropped rather than buffered for without end.
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Server-sent events of flags opened, grown or resolved at the principal's sites. Polling the
 * flags table (indexed on updated_at) sees every instance's changes, not only this one's.
 */
@Injectable()
export class FlagStreamService implements OnModuleDestroy {
  private readonly logger = new Logger(FlagStreamService.name);
  private readonly open = new Set<() => void>();
  private closing = false;

  constructor(private readonly flags: FlagsService) {}

  /** Throws (403) before any byte is written when the key may not see `siteId`. */
  stream(principal: Principal, siteId: string | undefined, req: Request, res: Response): void {
    if (this.closing) throw new ServiceUnavailableException('DockProof is shutting down');
    visibleSites(principal, siteId);
    const start = new Date();
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (text: string) => {
      if (res.writableLength > MAX_BUFFERED_BYTES) close();
      else res.write(text);
    };
    send(': flags of your sites as they change\n\n');
    const sent = new Map<string, number>();
    let since = start.getTime();
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const now = Date.now();
        const changed = await this.flags.changedSince(
          principal,
          siteId,
          new Date(since - COMMIT_MARGIN_MS),
        );
        for (const flag of changed) {
          if (sent.get(flag.flagId) === flag.updatedAt.getTime()) continue;
          sent.set(flag.flagId, flag.updatedAt.getTime());
          send(`event: flag\nid: ${flag.flagId}\ndata: ${JSON.stringify(toFlagView(flag))}\n\n`);
        }
        // A full page means more changed than one page holds: continue from its end next time.
        since =
          changed.length === CHANGES_PAGE
            ? changed.at(-1)!.updatedAt.getTime() + COMMIT_MARGIN_MS
            : now;
        for (const [flagId, at] of sent) if (at < since - 2 * COMMIT_MARGIN_MS) sent.delete(flagId);
      } catch (error) {
        this.logger.warn(`flag stream poll failed: ${String(error)}`);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const close = () => {
      clearInterval(timer);
      clearInterval(keepAlive);
      this.open.delete(close);
      res.end();
    };
    this.open.add(close);
    req.on('close', close);
  }

  /** Open streams would hold the HTTP server open at shutdown. */
  onModuleDestroy(): void {
    this.closing = true;
    for (const close of [...this.open]) close();
  }
}

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { SETTINGS } from '../../config/config.module';
import type { Settings } from '../../config/settings';
import { MetricsService } from '../../metrics/metrics.service';
import { nextAttemptAt } from './retry-schedule';
import { ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { sendWebhook } from './webhook-sender';

const BATCH = 20;
// A claim outlives the request it covers by this much before another instance may take it.
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends due webhook deliveries, a batch at a time, every WEBHOOK_POLL_MS (at once again when a
 * batch was full). Any number of instances run one each; the claim keeps them apart.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  private readonly shutdown = new AbortController();
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private failing = false;
  private outcomes: Promise<void> = Promise.resolve();

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly metrics: MetricsService,
  ) {
    // Every request of a batch listens for shutdown.
    setMaxListeners(BATCH + 1, this.shutdown.signal);
    metrics.gauge(
      'dockproof_webhook_backlog',
      'Webhook deliveries waiting to be sent or retried (all instances)',
      () => this.deliveries.backlog(),
    );
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Aborts requests in flight (their claims are released) and waits for the round to end. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.shutdown.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.deliverDue().then((full) =>
        this.schedule(full ? 0 : this.settings.WEBHOOK_POLL_MS),
      );
    }, delayMs);
    // The poll alone must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  /** True when the batch was full, so more may be due already. Never rejects. */
  private async deliverDue(): Promise<boolean> {
    const claimToken = randomUUID();
    try {
      const leaseMs = this.settings.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
      const claimed = await this.deliveries.claim(BATCH, claimToken, leaseMs);
      // Each records its own outcome; one failing to does not cut the others short.
      await Promise.all(
        claimed.map((delivery) =>
          this.deliver(delivery, claimToken).catch((error: unknown) => this.warnOnce(error)),
        ),
      );
      this.recovered();
      return claimed.length === BATCH;
    } catch (error) {
      this.warnOnce(error);
      return false;
    }
  }

  private async deliver(delivery: ClaimedDelivery, claimToken: string): Promise<void> {
    const result = await sendWebhook(delivery, {
      timeoutMs: this.settings.WEBHOOK_TIMEOUT_MS,
      allowPrivateTargets: this.settings.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      signal: this.shutdown.signal,
    });
    const id = delivery.deliveryId;
    switch (result.outcome) {
      case 'delivered':
        return this.record(() => this.deliveries.delivered(id, claimToken, result.status));
      case 'gone':
        this.metrics.webhookFailures.inc({ outcome: 'gone' });
        this.logger.warn(`webhook ${delivery.endpointId} disabled: its receiver answered 410`);
        return this.record(() => this.deliveries.gone(id, claimToken, result.status, result.error));
      case 'aborted':
        return this.record(() => this.deliveries.release(id, claimToken));
      case 'failed': {
        this.metrics.webhookFailures.inc({ outcome: 'failed' });
        const retryAt = nextAttemptAt(delivery.attempts + 1, delivery.createdAt, new Date(), {
          baseMs: this.settings.WEBHOOK_RETRY_BASE_MS,
          giveUpAfterMs: this.settings.WEBHOOK_GIVE_UP_AFTER_MS,
        });
        if (!retryAt)
          this.logger.warn(
            `webhook ${delivery.endpointId}: gave up on message ${delivery.messageId}: ${result.error}`,
          );
        return this.record(() => this.deliveries.failed(id, claimToken, { ...result, retryAt }));
      }
    }
  }

  /**
   * Outcomes are written one at a time. Each also counts on its endpoint's row, so a batch's
   * outcomes written side by side queue on that row's lock, each holding a pooled connection that
   * scan commits wait for: seconds of scan latency in the soak fault test.
   */
  private record(write: () => Promise<void>): Promise<void> {
    const written = this.outcomes.then(write);
    this.outcomes = written.catch(() => undefined);
    return written;
  }

  // A database outage would otherwise log every poll; once per outage is enough.
  private warnOnce(error: unknown): void {
    if (this.failing || this.shutdown.signal.aborted) return;
    this.failing = true;
    this.logger.warn(`webhook deliveries paused, retrying: ${String(error)}`);
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('webhook deliveries resumed');
  }
}

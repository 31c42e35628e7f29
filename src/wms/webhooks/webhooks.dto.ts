import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { webhookUrlProblem } from './webhook-target';

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Standard Webhooks form: `whsec_` and the base64 of the key (32 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The spec asks for 24 to 64 bytes of key; shorter keys are guessable, longer ones pointless. */
export function isWebhookSecret(value: string): boolean {
  const base64 = SECRET.exec(value)?.[1];
  if (!base64 || base64.length % 4 !== 0) return false;
  const bytes = Buffer.from(base64, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** Private targets are refused unless the operator allows them (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
export function registerWebhookSchema(allowPrivateTargets: boolean) {
  return z.strictObject({
    url: z.string().superRefine((url, ctx) => {
      const problem = webhookUrlProblem(url, allowPrivateTargets);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    secret: z
      .string()
      .refine(isWebhookSecret, 'must be "whsec_" followed by the base64 of 24 to 64 random bytes')
      .optional(),
  });
}

export type RegisterWebhook = z.infer<ReturnType<typeof registerWebhookSchema>>;

export interface WebhookEndpointView {
  endpointId: string;
  siteId: string;
  url: string;
  enabled: boolean;
  createdAt: string;
}

/** The answer to a registration: the only time the secret is shown. */
export interface RegisteredWebhook extends WebhookEndpointView {
  secret: string;
}

export interface WebhookEndpointState extends WebhookEndpointView {
  /** Set when a receiver answered 410 Gone. */
  disabledAt: string | null;
  deliveredCount: number;
  /** Messages not delivered after at least one attempt: being retried, or given up. */
  failingCount: number;
  lastDeliveredAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface WebhookEndpointRow {
  endpoint_id: string;
  site_id: string;
  url: string;
  enabled: boolean;
  created_at: Date;
  disabled_at: Date | null;
  delivered_count: string;
  failing_count: string;
  last_delivered_at: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

export function mapEndpoint(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    endpointId: row.endpoint_id,
    siteId: row.site_id,
    url: row.url,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
  };
}

export function mapEndpointState(row: WebhookEndpointRow): WebhookEndpointState {
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    ...mapEndpoint(row),
    disabledAt: iso(row.disabled_at),
    deliveredCount: Number(row.delivered_count),
    failingCount: Number(row.failing_count),
    lastDeliveredAt: iso(row.last_delivered_at),
    lastAttemptAt: iso(row.last_attempt_at),
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
  };
}

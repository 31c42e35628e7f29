import { randomBytes } from 'node:crypto';
import { createZodDto } from 'nestjs-zod';
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
  return z
    .strictObject({
      url: z
        .string()
        .superRefine((url, ctx) => {
          const problem = webhookUrlProblem(url, allowPrivateTargets);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .meta({
          description:
            'An https (or http) URL; private, loopback and link-local targets only when ' +
            'WEBHOOK_ALLOW_PRIVATE_TARGETS is true.',
        }),
      secret: z
        .string()
        .refine(isWebhookSecret, 'must be "whsec_" followed by the base64 of 24 to 64 random bytes')
        .optional()
        .meta({ description: 'Your own signing secret; DockProof makes one when left out.' }),
    })
    .meta({ example: { url: 'https://wms.example.com/dockproof/events' } });
}

export type RegisterWebhook = z.infer<ReturnType<typeof registerWebhookSchema>>;

/** The body as documented: the stricter rule, as a default installation applies it. */
export class RegisterWebhookDto extends createZodDto(registerWebhookSchema(false)) {}

const nullableInstant = (description: string) => z.iso.datetime().meta({ description }).nullable();

const webhookEndpointViewSchema = z.object({
  endpointId: z.string(),
  siteId: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
});

const registeredWebhookSchema = webhookEndpointViewSchema.extend({
  secret: z.string().meta({ description: 'Verifies the Standard Webhooks signatures.' }),
});

const webhookEndpointStateSchema = webhookEndpointViewSchema.extend({
  disabledAt: nullableInstant('Set when a receiver answered 410 Gone.'),
  deliveredCount: z.number().int(),
  failingCount: z.number().int().meta({
    description:
      'Not delivered after an attempt: being retried, or given up (within OUTBOX_RETENTION_DAYS).',
  }),
  lastDeliveredAt: nullableInstant('The last delivery a receiver accepted.'),
  lastAttemptAt: nullableInstant('The last attempt, whatever came of it.'),
  lastError: z.string().meta({ description: 'What the last failed attempt met.' }).nullable(),
  lastErrorAt: nullableInstant('When the last failed attempt was.'),
});

export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;
/** The answer to a registration: the only time the secret is shown. */
export type RegisteredWebhook = z.infer<typeof registeredWebhookSchema>;
export type WebhookEndpointState = z.infer<typeof webhookEndpointStateSchema>;

const ENDPOINT_EXAMPLE: WebhookEndpointView = {
  endpointId: 'wh_9c41d2e07a3b5f18',
  siteId: 'AMS1',
  url: 'https://wms.example.com/dockproof/events',
  enabled: true,
  createdAt: '2026-11-20T12:00:00.000Z',
};

export class WebhookEndpointViewDto extends createZodDto(
  webhookEndpointViewSchema.meta({ example: ENDPOINT_EXAMPLE }),
) {}

export class RegisteredWebhookDto extends createZodDto(
  registeredWebhookSchema.meta({
    example: { ...ENDPOINT_EXAMPLE, secret: 'whsec_Pc4l9TtPC8WG3exZnfQ3arvx3Y+vzZVt5BBugJgI21Y=' },
  }),
) {}

export class WebhookEndpointStateDto extends createZodDto(
  webhookEndpointStateSchema.meta({
    example: {
      ...ENDPOINT_EXAMPLE,
      disabledAt: null,
      deliveredCount: 418,
      failingCount: 1,
      lastDeliveredAt: '2026-11-22T08:15:04.402Z',
      lastAttemptAt: '2026-11-22T08:16:10.000Z',
      lastError: 'receiver answered 503',
      lastErrorAt: '2026-11-22T08:16:10.000Z',
    },
  }),
) {}

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

import { z } from 'zod';

const identifier = /^[A-Za-z0-9._-]{1,64}$/;

// 0 asks the kernel for any free port (tests run many instances side by side).
const port = z.coerce.number().int().min(0).max(65535);

const urlWithScheme = (schemes: string[]) =>
  z
    .string()
    .url()
    .refine((value) => schemes.some((scheme) => value.startsWith(`${scheme}://`)), {
      message: `must start with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    });

/**
 * PRODUCT.md's settings, plus the few that tests and multi-instance deployments need
 * (documented in the README). Empty strings count as unset, as shells often export them so.
 */
export const settingsSchema = z.object({
  PORT: port.default(3000),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']).optional(),
  MQTT_URL: urlWithScheme(['mqtt', 'mqtts', 'tcp', 'ssl', 'ws', 'wss']).optional(),
  // Unset means 1883, or a free port when 1883 is taken; set, it must be free.
  MQTT_PORT: port.optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DOCKPROOF_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  DOCKPROOF_INSTANCE_ID: z
    .string()
    .regex(identifier, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')
    .optional(),
  MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be empty or end with "/" (e.g. "test-42/")')
    .default(''),
  MQTT_SHARE_GROUP: z.string().regex(identifier, 'must be an identifier').default('dockproof'),
  // Each connection holds one unacknowledged scans message at a time: throughput comes from many.
  MQTT_SUBSCRIBER_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(256),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  // off: this instance writes WMS messages to the outbox but leaves publishing them to others.
  WMS_RELAY: z.enum(['on', 'off']).default('on'),
  // Webhooks (README "Webhooks"): small values make retries fast in tests.
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5_000),
  WEBHOOK_GIVE_UP_AFTER_MS: z.coerce.number().int().min(1).default(86_400_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'], { message: 'must be "true" or "false"' })
    .default('false')
    .transform((value) => value === 'true'),
  // Unset: scans and rejected messages are kept for ever; evidence goes only when the operator says.
  SCAN_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  // Published WMS messages and finished webhook deliveries are records of transport, not evidence.
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
});

export type Settings = z.infer<typeof settingsSchema>;

export class InvalidSettingsError extends Error {}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = Object.fromEntries(
    Object.keys(settingsSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(raw[name])}: ${issue.message}`;
    });
    throw new InvalidSettingsError(`Invalid setting ${problems.join('; ')}`);
  }
  return result.data;
}

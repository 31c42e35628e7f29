import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { identifierSchema, isoDateTimeSchema } from '../ingestion/scan-event.schema';

/** The EPCIS 2.0 REST binding's default `perPage`. */
export const DEFAULT_EVENTS_PER_PAGE = 30;
export const MAX_EVENTS_PER_PAGE = 1000;

/** Where the previous page ended, in the order the export walks: eventTime, then eventId. */
export interface PageKey {
  /** UTC with microseconds, exactly as stored. */
  scannedAt: string;
  eventId: string;
}

const MICRO_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
// As the scan schema takes eventIds.
const EVENT_ID = /^[\u0021-\u007e]{1,128}$/;
const TOKEN_MESSAGE = 'must be the nextPageToken of a previous page (from its Link header)';

export function encodePageToken(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.scannedAt, key.eventId])).toString('base64url');
}

const pageTokenSchema = z.string().transform((text, ctx): PageKey => {
  try {
    const [scannedAt, eventId] = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown[];
    if (isInstant(scannedAt) && typeof eventId === 'string' && EVENT_ID.test(eventId))
      return { scannedAt, eventId };
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: TOKEN_MESSAGE });
  return z.NEVER;
});

// Exactly as the repository writes it: PostgreSQL refuses much of what Date.parse accepts.
function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = MICRO_INSTANT.exec(value);
  if (!match || Number(match[1]) < 1900) return false;
  const millis = `${value.slice(0, 23)}Z`;
  return !Number.isNaN(Date.parse(millis)) && new Date(millis).toISOString() === millis;
}

const perPageMessage = `must be an integer from 1 to ${MAX_EVENTS_PER_PAGE}`;

// Strict: an EPCIS query parameter this export does not implement must not be silently ignored.
export const epcisEventsQuerySchema = z
  .strictObject({
    siteId: identifierSchema.meta({ example: 'AMS1' }),
    /** Inclusive, on eventTime. */
    from: isoDateTimeSchema
      .optional()
      .meta({ example: '2026-11-22T00:00:00Z', description: 'Inclusive, on eventTime.' }),
    /** Exclusive, on eventTime. */
    to: isoDateTimeSchema
      .optional()
      .meta({ example: '2026-11-23T00:00:00Z', description: 'Exclusive, on eventTime.' }),
    perPage: z
      .string()
      .regex(/^\d{1,4}$/, perPageMessage)
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_EVENTS_PER_PAGE, perPageMessage)
      .optional()
      .meta({
        example: '100',
        description: `1 to ${MAX_EVENTS_PER_PAGE}; ${DEFAULT_EVENTS_PER_PAGE} when left out.`,
      }),
    nextPageToken: pageTokenSchema.optional().meta({
      example: 'WyIyMDI2LTExLTIyVDA4OjE1OjAyLjEyMzAwMFoiLCI3ZDNiNmYwZS0wMDAxIl0',
      description: 'From the previous page\'s `Link: rel="next"` header.',
    }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['to'],
    message: 'must not be before from',
  });

export class EpcisEventsQueryDto extends createZodDto(epcisEventsQuerySchema) {}

export type EpcisEventsQuery = z.infer<typeof epcisEventsQuerySchema>;

import { z } from 'zod';
import { identifierSchema } from '../ingestion/scan-event.schema';

export const MAX_FLAGS_PER_PAGE = 200;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An opaque cursor: where the previous page ended, oldest first. */
export function encodeCursor(openedAt: Date, flagId: string): string {
  return Buffer.from(JSON.stringify([openedAt.toISOString(), flagId])).toString('base64url');
}

const cursorSchema = z.string().transform((text, ctx) => {
  try {
    const [openedAt, flagId] = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown[];
    // Exactly as encodeCursor wrote it: PostgreSQL refuses much of what Date.parse accepts.
    if (
      typeof openedAt === 'string' &&
      ISO_INSTANT.test(openedAt) &&
      new Date(openedAt).toISOString() === openedAt &&
      typeof flagId === 'string' &&
      z.uuid().safeParse(flagId).success
    )
      return { openedAt, flagId };
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be a nextCursor from a previous page' });
  return z.NEVER;
});

export const flagListQuerySchema = z.strictObject({
  siteId: identifierSchema.optional(),
  status: z
    .enum(['open', 'released', 'quarantined'], {
      message: 'must be "open", "released" or "quarantined"',
    })
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${MAX_FLAGS_PER_PAGE}`)
    .transform(Number)
    .refine(
      (n) => n >= 1 && n <= MAX_FLAGS_PER_PAGE,
      `must be an integer from 1 to ${MAX_FLAGS_PER_PAGE}`,
    )
    .optional(),
  after: cursorSchema.optional(),
});

export const flagStreamQuerySchema = z.strictObject({ siteId: identifierSchema.optional() });

export const resolveFlagSchema = z.strictObject({
  action: z.enum(['release', 'quarantine'], { message: 'must be "release" or "quarantine"' }),
  note: z
    .string({ message: 'is required: say why' })
    .trim()
    .min(1, 'must not be empty: say why')
    .max(2000, 'must be at most 2000 characters'),
});

export type FlagListQuery = z.infer<typeof flagListQuerySchema>;
export type FlagStreamQuery = z.infer<typeof flagStreamQuerySchema>;
export type ResolveFlag = z.infer<typeof resolveFlagSchema>;

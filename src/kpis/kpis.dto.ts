import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

export const kpisQuerySchema = z
  .strictObject({
    siteId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a site id')
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'must be after from',
    path: ['to'],
  });

export type KpisQuery = z.infer<typeof kpisQuerySchema>;

/** Flags opened in [from, to): the last 30 days unless the query says otherwise. */
export function kpiWindow(query: KpisQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
  return { from, to };
}

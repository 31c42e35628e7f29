import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import type { KpisView } from './kpis.controller';

const DAY_MS = 24 * 60 * 60 * 1000;

export const kpisQuerySchema = z
  .strictObject({
    siteId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a site id')
      .optional()
      .meta({ example: 'AMS1', description: "A supervisor's own sites when left out." }),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ example: '2026-10-23T00:00:00Z', description: '30 days before `to` when left out.' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ example: '2026-11-22T00:00:00Z', description: 'Now when left out.' }),
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

export class KpisQueryDto extends createZodDto(kpisQuerySchema) {}

const spreadSchema = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });

const kpiRowSchema = z.object({
  siteId: z.string().meta({ description: 'Null when the row is not per site.' }).nullable(),
  supplierId: z
    .string()
    .meta({ description: "Null for units without a certificate's supplier, or not per supplier." })
    .nullable(),
  flags: z.number().int(),
  open: z.number().int(),
  released: z.number().int(),
  quarantined: z.number().int(),
  quarantineRate: z.number().nullable(),
  falseFlagRate: z.number().nullable(),
  timeToDetectSeconds: spreadSchema,
  timeToResolveSeconds: spreadSchema,
});

const ROW_EXAMPLE = {
  siteId: null,
  supplierId: null,
  flags: 12,
  open: 2,
  released: 3,
  quarantined: 7,
  quarantineRate: 0.7,
  falseFlagRate: 0.3,
  timeToDetectSeconds: { p50: 0.012, p95: 0.041 },
  timeToResolveSeconds: { p50: 1840, p95: 14400 },
};

export class KpisViewDto extends createZodDto(
  describes<KpisView>()(
    z.object({
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      total: kpiRowSchema,
      bySite: z.array(kpiRowSchema),
      bySupplier: z.array(kpiRowSchema),
      bySiteAndSupplier: z.array(kpiRowSchema),
    }),
  ).meta({
    example: {
      from: '2026-10-23T00:00:00.000Z',
      to: '2026-11-22T00:00:00.000Z',
      total: ROW_EXAMPLE,
      bySite: [{ ...ROW_EXAMPLE, siteId: 'AMS1' }],
      bySupplier: [{ ...ROW_EXAMPLE, supplierId: 'ACME' }],
      bySiteAndSupplier: [{ ...ROW_EXAMPLE, siteId: 'AMS1', supplierId: 'ACME' }],
    },
  }),
) {}

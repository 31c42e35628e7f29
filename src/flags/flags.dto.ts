import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import { identifierSchema } from '../ingestion/scan-event.schema';
import { reasonSchema } from '../ingestion/scans.dto';
import type { FlagDetailView, FlagView } from './flag-view';

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
  siteId: identifierSchema.optional().meta({ example: 'AMS1' }),
  status: z
    .enum(['open', 'released', 'quarantined'], {
      message: 'must be "open", "released" or "quarantined"',
    })
    .optional()
    .meta({ example: 'open' }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${MAX_FLAGS_PER_PAGE}`)
    .transform(Number)
    .refine(
      (n) => n >= 1 && n <= MAX_FLAGS_PER_PAGE,
      `must be an integer from 1 to ${MAX_FLAGS_PER_PAGE}`,
    )
    .optional()
    .meta({ example: '50', description: `1 to ${MAX_FLAGS_PER_PAGE}; 50 when left out.` }),
  after: cursorSchema.optional().meta({
    example:
      'WyIyMDI2LTExLTIyVDA4OjE1OjA0LjMxMVoiLCIzZjFjMmE5ZS04ZDRiLTRlN2EtOWM2MS0yYjVmMGQ3ZTRhMTgiXQ',
    description: 'The `nextCursor` of the previous page.',
  }),
});

export const flagStreamQuerySchema = z.strictObject({
  siteId: identifierSchema.optional().meta({ example: 'AMS1' }),
});

export const resolveFlagSchema = z
  .strictObject({
    action: z.enum(['release', 'quarantine'], { message: 'must be "release" or "quarantine"' }),
    note: z
      .string({ message: 'is required: say why' })
      .trim()
      .min(1, 'must not be empty: say why')
      .max(2000, 'must be at most 2000 characters'),
  })
  .meta({
    example: { action: 'quarantine', note: 'Hologram missing on 3 cartons; kept for customs.' },
  });

export type FlagListQuery = z.infer<typeof flagListQuerySchema>;
export type FlagStreamQuery = z.infer<typeof flagStreamQuerySchema>;
export type ResolveFlag = z.infer<typeof resolveFlagSchema>;

export class FlagListQueryDto extends createZodDto(flagListQuerySchema) {}
export class FlagStreamQueryDto extends createZodDto(flagStreamQuerySchema) {}
export class ResolveFlagDto extends createZodDto(resolveFlagSchema) {}

const FLAG_ID = '3f1c2a9e-8d4b-4e7a-9c61-2b5f0d7e4a18';

const flagViewSchema = describes<FlagView>()(
  z.object({
    flagId: z.uuid(),
    siteId: z.string(),
    palletSscc: z.string().meta({ description: 'The pallet the units came on.' }).nullable(),
    status: z.enum(['open', 'released', 'quarantined']),
    openedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
    resolvedBy: z.string().meta({ description: 'The key id that resolved it.' }).nullable(),
    note: z.string().meta({ description: 'Why it was resolved so.' }).nullable(),
    items: z.array(
      z.object({
        gtin: z.string().optional(),
        lot: z.string().optional(),
        serial: z.string().optional(),
        sscc: z.string().optional(),
        code: z.string().optional(),
        reasons: z.array(reasonSchema),
        addedAt: z.iso.datetime(),
      }),
    ),
  }),
);

export const FLAG_EXAMPLE: FlagView = {
  flagId: FLAG_ID,
  siteId: 'AMS1',
  palletSscc: '106141412345678908',
  status: 'open',
  openedAt: '2026-11-22T08:15:04.311Z',
  updatedAt: '2026-11-22T08:15:04.311Z',
  resolvedAt: null,
  resolvedBy: null,
  note: null,
  items: [
    {
      gtin: '09506000134352',
      lot: 'ABC123',
      serial: 'SN0001',
      sscc: '106141412345678908',
      code: '(01)09506000134352(10)ABC123(21)SN0001',
      reasons: [
        {
          code: 'DUPLICATE_SERIAL',
          message:
            'GTIN 09506000134352 serial SN0001 was already received and has not left: a cloned code',
        },
      ],
      addedAt: '2026-11-22T08:15:04.311Z',
    },
  ],
};

export class FlagViewDto extends createZodDto(flagViewSchema.meta({ example: FLAG_EXAMPLE })) {}

export class FlagPageDto extends createZodDto(
  z
    .object({
      items: z.array(flagViewSchema),
      nextCursor: z
        .string()
        .meta({ description: 'Pass as `after` for the next page; null on the last.' })
        .nullable(),
    })
    .meta({ example: { items: [FLAG_EXAMPLE], nextCursor: null } }),
) {}

export class FlagDetailDto extends createZodDto(
  describes<FlagDetailView>()(
    flagViewSchema.extend({
      scans: z.array(
        z.object({
          eventId: z.string(),
          dockId: z.string(),
          scannerId: z.string(),
          scannedAt: z.iso.datetime(),
          direction: z.enum(['inbound', 'outbound']),
          code: z.string(),
          status: z.string(),
        }),
      ),
      evidence: z.object({
        certificates: z.array(
          z.object({
            certificateId: z.string(),
            supplierId: z.string(),
            supplierName: z.string(),
            gtin: z.string(),
            lot: z.string(),
            expiresOn: z.iso.date().nullable(),
            revoked: z.boolean(),
          }),
        ),
        clearances: z.array(
          z.object({
            clearanceId: z.string(),
            supplierId: z.string(),
            gtin: z.string(),
            lot: z.string().meta({ description: 'Null: every lot.' }).nullable(),
            markets: z.array(z.string()),
            rightIds: z.array(z.string()),
            validFrom: z.iso.date(),
            validUntil: z.iso.date(),
          }),
        ),
      }),
      timeline: z.array(
        z.object({
          at: z.iso.datetime(),
          what: z.string(),
          by: z.string().optional(),
          note: z.string().optional(),
        }),
      ),
    }),
  ).meta({
    example: {
      ...FLAG_EXAMPLE,
      scans: [
        {
          eventId: '7d3b6f0e-0001',
          dockId: 'D1',
          scannerId: 'SCN-7',
          scannedAt: '2026-11-22T08:15:02.123Z',
          direction: 'inbound',
          code: '(01)09506000134352(10)ABC123(21)SN0001',
          status: 'suspicious',
        },
      ],
      evidence: {
        certificates: [
          {
            certificateId: 'CERT-2026-0042',
            supplierId: 'ACME',
            supplierName: 'Acme Pharma B.V.',
            gtin: '09506000134352',
            lot: 'ABC123',
            expiresOn: '2028-09-30',
            revoked: false,
          },
        ],
        clearances: [],
      },
      timeline: [{ at: '2026-11-22T08:15:04.311Z', what: 'opened with 1 item' }],
    },
  }),
) {}

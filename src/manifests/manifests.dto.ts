import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { identifierSchema } from '../ingestion/scan-event.schema';
import { gtinSchema, lotSchema, serialSchema, ssccSchema } from '../registry/registry-fields';

const itemSchema = z
  .object({
    gtin: gtinSchema,
    lot: lotSchema,
    serials: z
      .array(serialSchema)
      .min(1, 'must list at least one serial (or leave it out and give quantity)')
      .max(100_000, 'must list at most 100000 serials')
      .refine((s) => new Set(s).size === s.length, 'must not repeat a serial')
      .optional(),
    quantity: z
      .number({ message: 'must be a whole number from 1 to 1000000' })
      .int('must be a whole number from 1 to 1000000')
      .min(1, 'must be a whole number from 1 to 1000000')
      .max(1_000_000, 'must be a whole number from 1 to 1000000')
      .optional(),
  })
  .superRefine((item, ctx) => {
    if (!item.serials && item.quantity === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs serials or quantity' });
    }
    const { serials, quantity } = item;
    // A quantity that is itself invalid is reported once, by its own check.
    if (serials && isCount(quantity) && quantity !== serials.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: 'must equal the number of serials',
      });
    }
  });

const palletSchema = z.object({
  sscc: ssccSchema,
  items: z
    .array(itemSchema)
    .min(1, 'must list at least one item')
    .max(10_000, 'must list at most 10000 items'),
});

export const createManifestSchema = z
  .object({
    manifestId: identifierSchema,
    supplierId: identifierSchema,
    carrierId: identifierSchema,
    siteId: identifierSchema,
    pallets: z
      .array(palletSchema)
      .min(1, 'must list at least one pallet')
      .max(10_000, 'must list at most 10000 pallets')
      .superRefine(eachSsccOnce),
  })
  .meta({
    example: {
      manifestId: 'MAN-2026-1187',
      supplierId: 'ACME',
      carrierId: 'DHL-NL',
      siteId: 'AMS1',
      pallets: [
        {
          sscc: '106141412345678908',
          items: [
            { gtin: '09506000134352', lot: 'ABC123', serials: ['SN0001', 'SN0002'] },
            { gtin: '09506000134352', lot: 'ABC124', quantity: 40 },
          ],
        },
      ],
    },
  });

export class CreateManifestDto extends createZodDto(createManifestSchema) {}

export type CreateManifest = z.infer<typeof createManifestSchema>;
export type ManifestPallet = CreateManifest['pallets'][number];

function eachSsccOnce(pallets: Array<{ sscc: string }>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  pallets.forEach(({ sscc }, i) => {
    if (seen.has(sscc)) {
      ctx.addIssue({ code: 'custom', path: [i, 'sscc'], message: `repeats pallet ${sscc}` });
    }
    seen.add(sscc);
  });
}

function isCount(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 1;
}

import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { identifierSchema } from '../ingestion/scan-event.schema';
import {
  gtinSchema,
  isoDateSchema,
  lotSchema,
  marketsSchema,
  setOf,
  textSchema,
  validityInOrder,
} from './registry-fields';

export const createIpRightSchema = z
  .object({
    rightId: identifierSchema,
    kind: z.enum(['trademark', 'design', 'copyright'], {
      message: 'must be "trademark", "design" or "copyright"',
    }),
    title: textSchema(200),
    owner: textSchema(200),
    registrationNumber: textSchema(100),
    jurisdictions: marketsSchema,
    gtinPrefixes: setOf(z.string().regex(/^\d{1,14}$/, 'must be 1-14 digits'), 1000),
    validFrom: isoDateSchema,
    validUntil: isoDateSchema,
  })
  .superRefine(validityInOrder)
  .meta({
    example: {
      rightId: 'TM-EU-018274411',
      kind: 'trademark',
      title: 'ACME word mark',
      owner: 'Acme Pharma B.V.',
      registrationNumber: '018274411',
      jurisdictions: ['EU'],
      gtinPrefixes: ['0950600'],
      validFrom: '2020-05-01',
      validUntil: '2030-04-30',
    },
  });

export const createClearanceSchema = z
  .object({
    clearanceId: identifierSchema,
    supplierId: identifierSchema,
    gtin: gtinSchema,
    // Required, even when null: leaving it out must not silently clear every lot.
    lot: z.union([lotSchema, z.null()], {
      message: 'must be a lot (1-20 printable characters) or null for every lot',
    }),
    markets: marketsSchema,
    rightIds: setOf(identifierSchema, 1000),
    validFrom: isoDateSchema,
    validUntil: isoDateSchema,
  })
  .superRefine(validityInOrder)
  .meta({
    example: {
      clearanceId: 'CLR-ACME-2026-07',
      supplierId: 'ACME',
      gtin: '09506000134352',
      lot: null,
      markets: ['EEA'],
      rightIds: ['TM-EU-018274411'],
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    },
  });

export class CreateIpRightDto extends createZodDto(createIpRightSchema) {}
export class CreateClearanceDto extends createZodDto(createClearanceSchema) {}

export type CreateIpRight = z.infer<typeof createIpRightSchema>;
export type CreateClearance = z.infer<typeof createClearanceSchema>;

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
  .superRefine(validityInOrder);

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
  .superRefine(validityInOrder);

export type CreateIpRight = z.infer<typeof createIpRightSchema>;
export type CreateClearance = z.infer<typeof createClearanceSchema>;

import { createPublicKey } from 'node:crypto';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import { identifierSchema } from '../ingestion/scan-event.schema';
import type { SupplierRisk } from './supplier-risk';

export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as NL');

const nameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const ed25519PublicKeySchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine(
    isEd25519SpkiPem,
    'must be an Ed25519 public key in SPKI PEM ("-----BEGIN PUBLIC KEY-----")',
  );

const PUBLIC_KEY_EXAMPLE =
  '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAVg+nLn0gPca6RCwUh6MeQWR+V/p29WrPnJuQW5JdgBQ=\n-----END PUBLIC KEY-----\n';

export const createSiteSchema = z
  .object({
    siteId: identifierSchema,
    name: nameSchema,
    country: countrySchema,
  })
  .meta({ example: { siteId: 'AMS1', name: 'Amsterdam DC 1', country: 'NL' } });

const SUPPLIER_EXAMPLE = {
  supplierId: 'ACME',
  name: 'Acme Pharma B.V.',
  country: 'NL',
  publicKey: PUBLIC_KEY_EXAMPLE,
  status: 'active',
} as const;

export const createSupplierSchema = z
  .object({
    supplierId: identifierSchema,
    name: nameSchema,
    country: countrySchema,
    publicKey: ed25519PublicKeySchema.meta({
      description: 'Verifies the certificates the supplier signs.',
    }),
    status: z.enum(['active', 'suspended']).default('active'),
  })
  .meta({ example: SUPPLIER_EXAMPLE });

export const updateSupplierSchema = z
  .object({
    name: nameSchema,
    country: countrySchema,
    publicKey: ed25519PublicKeySchema,
    status: z.enum(['active', 'suspended'], { message: 'must be "active" or "suspended"' }),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field')
  .meta({ example: { status: 'suspended' } });

export class CreateSiteDto extends createZodDto(createSiteSchema) {}
export class CreateSupplierDto extends createZodDto(createSupplierSchema) {}
export class UpdateSupplierDto extends createZodDto(updateSupplierSchema) {}

const supplierRiskSchema = describes<SupplierRisk>()(
  z.object({
    score: z.number().meta({ description: '0-100, from recent quarantines of its units.' }),
    quarantines: z.number().int(),
    quarantinedUnits: z.number().int(),
    lastQuarantineAt: z.iso.datetime().nullable(),
  }),
);

export class SupplierWithRiskDto extends createZodDto(
  describes<CreateSupplier & { risk: SupplierRisk }>()(
    z.object({
      ...createSupplierSchema.shape,
      status: z.enum(['active', 'suspended']),
      risk: supplierRiskSchema,
    }),
  ).meta({
    example: {
      ...SUPPLIER_EXAMPLE,
      risk: {
        score: 14,
        quarantines: 2,
        quarantinedUnits: 37,
        lastQuarantineAt: '2026-11-02T14:03:11.000Z',
      },
    },
  }),
) {}

export type CreateSite = z.infer<typeof createSiteSchema>;
export type CreateSupplier = z.infer<typeof createSupplierSchema>;
export type UpdateSupplier = z.infer<typeof updateSupplierSchema>;

function isEd25519SpkiPem(pem: string): boolean {
  if (!pem.trim().startsWith('-----BEGIN PUBLIC KEY-----')) return false;
  try {
    return createPublicKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { identifierSchema } from '../ingestion/scan-event.schema';

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

export const createSiteSchema = z.object({
  siteId: identifierSchema,
  name: nameSchema,
  country: countrySchema,
});

export const createSupplierSchema = z.object({
  supplierId: identifierSchema,
  name: nameSchema,
  country: countrySchema,
  publicKey: ed25519PublicKeySchema,
  status: z.enum(['active', 'suspended']).default('active'),
});

export const updateSupplierSchema = z
  .object({
    name: nameSchema,
    country: countrySchema,
    publicKey: ed25519PublicKeySchema,
    status: z.enum(['active', 'suspended'], { message: 'must be "active" or "suspended"' }),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

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

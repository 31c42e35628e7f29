import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { identifierSchema } from '../ingestion/scan-event.schema';
import type { ApiKeyEntity } from './api-key.entity';
import { ROLES, SITE_SCOPED_ROLES } from './roles';

export const issueApiKeySchema = z
  .object({
    role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
    supplierId: identifierSchema.optional(),
    siteIds: z.array(identifierSchema).max(1000).optional(),
    label: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  })
  .superRefine((key, ctx) => {
    if (key.role === 'supplier' && !key.supplierId) {
      ctx.addIssue({
        code: 'custom',
        path: ['supplierId'],
        message: 'is required for a supplier key',
      });
    }
    if (key.role !== 'supplier' && key.supplierId) {
      ctx.addIssue({ code: 'custom', path: ['supplierId'], message: 'is only for supplier keys' });
    }
    const siteScoped = SITE_SCOPED_ROLES.includes(key.role);
    if (siteScoped && !key.siteIds?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['siteIds'],
        message: `is required for a ${key.role} key`,
      });
    }
    if (!siteScoped && key.siteIds?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['siteIds'],
        message: `is not used by a ${key.role} key`,
      });
    }
  })
  .meta({ example: { role: 'supervisor', siteIds: ['AMS1'], label: 'AMS1 dock supervisors' } });

export class IssueApiKeyDto extends createZodDto(issueApiKeySchema) {}

export type IssueApiKey = z.infer<typeof issueApiKeySchema>;

const apiKeyViewSchema = z.object({
  keyId: z.string(),
  role: z.string(),
  supplierId: z.string().meta({ description: 'Set for supplier keys only.' }).nullable(),
  siteIds: z.array(z.string()),
  label: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});

export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

const API_KEY_EXAMPLE: ApiKeyView = {
  keyId: 'key_5c1e9a07b3d24f68',
  role: 'supervisor',
  supplierId: null,
  siteIds: ['AMS1'],
  label: 'AMS1 dock supervisors',
  createdAt: '2026-11-22T08:00:00.000Z',
  revokedAt: null,
};

export class ApiKeyViewDto extends createZodDto(
  apiKeyViewSchema.meta({ example: { ...API_KEY_EXAMPLE, revokedAt: '2026-11-23T17:30:00.000Z' } }),
) {}

/** The answer to issuing a key: the only time the key itself is shown. */
export class IssuedApiKeyDto extends createZodDto(
  apiKeyViewSchema
    .extend({ apiKey: z.string().meta({ description: 'Shown this once; stored only as hashes.' }) })
    .meta({
      example: {
        ...API_KEY_EXAMPLE,
        apiKey: 'dp_key_5c1e9a07b3d24f68_q8Zt3n1VxR0cWm2L5bYp9KdA7sJf4HgE6uTiOe1Nw3Q',
      },
    }),
) {}

export function mapApiKey(key: ApiKeyEntity): ApiKeyView {
  return {
    keyId: key.keyId,
    role: key.role,
    supplierId: key.supplierId,
    siteIds: key.siteIds,
    label: key.label,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

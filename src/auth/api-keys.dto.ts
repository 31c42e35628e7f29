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
  });

export type IssueApiKey = z.infer<typeof issueApiKeySchema>;

export interface ApiKeyView {
  keyId: string;
  role: string;
  supplierId: string | null;
  siteIds: string[];
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

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

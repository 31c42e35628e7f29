import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import type { ChainVerification } from './audit-entry';
import { auditQuerySchema } from './audit-query.schema';
import type { AuditEntryBody } from './audit.controller';

export class AuditQueryDto extends createZodDto(auditQuerySchema) {}

const HASH_EXAMPLE = 'c1a5e0f2b7d94e3a8f61b2c7d0e9a4f3b8c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8';

const auditEntrySchema = describes<AuditEntryBody>()(
  z.object({
    seq: z.number().int(),
    at: z.iso.datetime(),
    actor: z.string().meta({ description: 'The API key id, or `system`.' }),
    action: z.string().meta({ description: 'e.g. `api-key.issued`, `certificate.revoked`.' }),
    objectType: z.string(),
    objectId: z.string(),
    payloadSha256: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  }),
);

export class AuditPageDto extends createZodDto(
  z
    .object({
      items: z.array(auditEntrySchema),
      nextCursor: z
        .number()
        .int()
        .nullable()
        .meta({ description: 'Pass as `after` for the next page; null on the last.' }),
    })
    .meta({
      example: {
        items: [
          {
            seq: 1201,
            at: '2026-11-22T08:20:11.482Z',
            actor: 'key_5c1e9a07b3d24f68',
            action: 'certificate.revoked',
            objectType: 'certificate',
            objectId: 'CERT-2026-0042',
            payloadSha256: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
            prevHash: '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c9b44e1a3f0a6c1d9c3f2e7a1',
            hash: HASH_EXAMPLE,
          },
        ],
        nextCursor: 1201,
      },
    }),
) {}

export class ChainVerificationDto extends createZodDto(
  describes<ChainVerification>()(
    z
      .object({
        ok: z.boolean(),
        entries: z.number().int(),
        firstBadEntry: z.number().int().optional().meta({
          description: 'The seq of the first entry that does not verify (or is missing).',
        }),
      })
      .meta({ example: { ok: true, entries: 1201 } }),
  ),
) {}

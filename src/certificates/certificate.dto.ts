import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import { identifierSchema, isoDateTimeSchema } from '../ingestion/scan-event.schema';
import { gtinSchema, isoDateSchema } from '../registry/registry-fields';
import { countrySchema } from '../registry/registry.dto';
import type { CertificateView } from './certificate-view';
import { serialCount, SerialRange } from './serial-ranges';

/** A certificate covers up to this many serials, listed and in ranges together. */
export const MAX_SERIALS = 1_000_000;
export const MAX_SERIAL_LENGTH = 20;
/** Enough bad serials to fix a file with; a million messages would help nobody. */
const MAX_REPORTED = 10;
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;

const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_OR_LONE_SURROGATE.test(s), 'must not hold control characters');

const serialRangeSchema = z
  .strictObject({
    prefix: z
      .string()
      .max(MAX_SERIAL_LENGTH - 1, `must be at most ${MAX_SERIAL_LENGTH - 1} characters`)
      .refine((s) => !CONTROL_OR_LONE_SURROGATE.test(s), 'must not hold control characters'),
    start: z.number().int('must be a whole number').nonnegative('must not be negative'),
    end: z.number().int('must be a whole number').nonnegative('must not be negative'),
    width: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  })
  .superRefine(checkRange);

/**
 * Checked in one pass rather than element by element through zod: a million serials must
 * validate in well under a second, and a broken file reports a few problems, not a million.
 */
const arrayOfSerials = z.custom<string[]>(Array.isArray, 'must be an array of serials');
const serialsSchema = arrayOfSerials.superRefine(checkSerials);
// A custom check has no JSON Schema; the API document shows what checkSerials accepts.
for (const schema of [arrayOfSerials, serialsSchema])
  schema._zod.processJSONSchema = (_ctx, json) =>
    Object.assign(json, {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: MAX_SERIAL_LENGTH },
      minItems: 1,
      maxItems: MAX_SERIALS,
      uniqueItems: true,
    });

export const certificateSchema = z
  .strictObject({
    certificateId: identifierSchema,
    supplierId: identifierSchema,
    gtin: gtinSchema,
    lot: text(20),
    countryOfOrigin: countrySchema.optional(),
    manufacturedOn: isoDateSchema.optional(),
    expiresOn: isoDateSchema.optional(),
    quantity: z
      .number()
      .int('must be a whole number')
      .positive('must be positive')
      .max(2_147_483_647, 'must be at most 2147483647')
      .optional(),
    serials: serialsSchema.optional(),
    serialRanges: z
      .array(serialRangeSchema)
      .min(1, 'must hold at least one range when given')
      .max(1000, 'must hold at most 1000 ranges')
      .optional(),
    issuedAt: isoDateTimeSchema.optional(),
  })
  .superRefine((certificate, ctx) => {
    if (serialCount(certificate.serials, certificate.serialRanges) > MAX_SERIALS)
      ctx.addIssue({
        code: 'custom',
        path: ['serials'],
        message: `serials and serialRanges together must cover at most ${MAX_SERIALS} serials`,
      });
  });

export const uploadCertificateSchema = z
  .strictObject({
    certificate: certificateSchema,
    signature: z
      .string()
      .regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (64 bytes)')
      .meta({
        description:
          "Ed25519 over the RFC 8785 canonical JSON of `certificate`, by the supplier's key.",
      }),
  })
  .meta({
    example: {
      certificate: {
        certificateId: 'CERT-2026-0042',
        supplierId: 'ACME',
        gtin: '09506000134352',
        lot: 'ABC123',
        countryOfOrigin: 'NL',
        manufacturedOn: '2026-10-01',
        expiresOn: '2028-09-30',
        quantity: 1002,
        serials: ['SN0001', 'SN0002'],
        serialRanges: [{ prefix: 'SN', start: 1000, end: 1999, width: 4 }],
        issuedAt: '2026-10-02T09:00:00Z',
      },
      signature:
        '4fy11ekFAndvvuR+GQ3wL8HkhYCaTaGmXzKNPrMKuQLU1N5E20/dd7u0SBWx4MVw/8eJfZL+0BGpXCq7dzDLvQ==',
    },
  });

export const revokeCertificateSchema = z
  .strictObject({ reason: text(500) })
  .meta({ example: { reason: 'lot ABC123 recalled: counterfeit labels found in the batch' } });

export class UploadCertificateDto extends createZodDto(uploadCertificateSchema) {}
export class RevokeCertificateDto extends createZodDto(revokeCertificateSchema) {}

const serialRangeViewSchema = z.object({
  prefix: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  width: z.number().int(),
});

export class CertificateViewDto extends createZodDto(
  describes<CertificateView>()(
    z
      .object({
        certificateId: z.string(),
        supplierId: z.string(),
        gtin: z.string(),
        lot: z.string(),
        countryOfOrigin: z.string().meta({ description: 'ISO 3166-1 alpha-2.' }).nullable(),
        manufacturedOn: z.iso.date().nullable(),
        expiresOn: z.iso.date().nullable(),
        quantity: z.number().int().nullable(),
        issuedAt: z.iso.datetime().nullable(),
        serialRanges: z.array(serialRangeViewSchema),
        listsSerials: z.boolean(),
        serialCount: z.number().int(),
        canonicalSha256: z.string(),
        signatureValid: z.literal(true),
        uploadedAt: z.iso.datetime(),
        revokedAt: z.iso.datetime().nullable(),
        revokedReason: z.string().meta({ description: 'Why it was revoked.' }).nullable(),
      })
      .meta({
        description: 'A stored certificate: everything but the serial list.',
        example: {
          certificateId: 'CERT-2026-0042',
          supplierId: 'ACME',
          gtin: '09506000134352',
          lot: 'ABC123',
          countryOfOrigin: 'NL',
          manufacturedOn: '2026-10-01',
          expiresOn: '2028-09-30',
          quantity: 1002,
          issuedAt: '2026-10-02T09:00:00.000Z',
          serialRanges: [{ prefix: 'SN', start: 1000, end: 1999, width: 4 }],
          listsSerials: true,
          serialCount: 1002,
          canonicalSha256: '9f2c4b1e7a3d5f6081c2e4a6b8d0f1e3c5a7b9d1f3e5a7c9b1d3f5e7a9c1b3d5',
          signatureValid: true,
          uploadedAt: '2026-10-02T09:05:12.345Z',
          revokedAt: null,
          revokedReason: null,
        },
      }),
  ),
) {}

export type Certificate = z.infer<typeof certificateSchema>;
export type UploadCertificate = z.infer<typeof uploadCertificateSchema>;
export type RevokeCertificate = z.infer<typeof revokeCertificateSchema>;

function checkRange(range: SerialRange, ctx: z.RefinementCtx): void {
  const problem = (path: keyof SerialRange, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  if (range.start > range.end) problem('end', 'must not be below start');
  if (String(range.end).length > range.width) problem('width', 'must fit end in as many digits');
  if (range.prefix.length + range.width > MAX_SERIAL_LENGTH)
    problem('width', `plus the prefix length must be at most ${MAX_SERIAL_LENGTH}`);
}

function checkSerials(serials: string[], ctx: z.RefinementCtx): void {
  if (serials.length < 1 || serials.length > MAX_SERIALS) {
    ctx.addIssue({ code: 'custom', message: `must list 1-${MAX_SERIALS} serials when given` });
    return;
  }
  const seen = new Set<string>();
  let reported = 0;
  for (let i = 0; i < serials.length && reported < MAX_REPORTED; i++) {
    const repeated = seen.has(serials[i]);
    seen.add(serials[i]);
    const message = serialProblem(serials[i], repeated ? serials.indexOf(serials[i]) : undefined);
    if (!message) continue;
    ctx.addIssue({ code: 'custom', path: [i], message });
    reported++;
  }
}

function serialProblem(serial: unknown, earlier: number | undefined): string | undefined {
  if (typeof serial !== 'string') return 'must be a string';
  if (serial.length < 1 || serial.length > MAX_SERIAL_LENGTH)
    return `must be 1-${MAX_SERIAL_LENGTH} characters`;
  if (CONTROL_OR_LONE_SURROGATE.test(serial)) return 'must not hold control characters';
  if (earlier !== undefined) return `repeats serials[${earlier}]`;
  return undefined;
}

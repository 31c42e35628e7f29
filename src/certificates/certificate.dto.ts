import { z } from 'zod';
import { identifierSchema, isoDateTimeSchema } from '../ingestion/scan-event.schema';
import { gtinSchema, isoDateSchema } from '../registry/registry-fields';
import { countrySchema } from '../registry/registry.dto';
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
const serialsSchema = z
  .custom<string[]>(Array.isArray, 'must be an array of serials')
  .superRefine(checkSerials);

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

export const uploadCertificateSchema = z.strictObject({
  certificate: certificateSchema,
  signature: z
    .string()
    .regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (64 bytes)'),
});

export const revokeCertificateSchema = z.strictObject({ reason: text(500) });

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

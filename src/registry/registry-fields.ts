import { z } from 'zod';
import { hasValidCheckDigit } from '../gs1/check-digit';
import { isMarketCode, MARKET_CODE_MESSAGE } from './markets';

/** Shared field schemas of the registry and manifests. */
export const gtinSchema = z
  .string()
  .regex(/^\d{14}$/, {
    message: 'must be a 14-digit GTIN (pad GTIN-8/12/13 with leading zeros)',
    abort: true,
  })
  .refine(hasValidCheckDigit, 'has a wrong check digit');

export const ssccSchema = z
  .string()
  .regex(/^\d{18}$/, { message: 'must be an 18-digit SSCC', abort: true })
  .refine(hasValidCheckDigit, 'has a wrong check digit');

// AI 10 and AI 21 hold up to 20 characters, none of them spaces or control characters.
const aiTextSchema = z.string().regex(/^[\u0021-\u007e]{1,20}$/, {
  message: 'must be 1-20 printable ASCII characters without spaces',
});
export const lotSchema = aiTextSchema;
export const serialSchema = aiTextSchema;

export const isoDateSchema = z.iso
  .date({ message: 'must be an ISO 8601 date (YYYY-MM-DD)', abort: true })
  .refine((d) => d >= '1900-01-01', 'must be in the year 1900 or later');

export const textSchema = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A non-empty set: duplicates dropped, sorted, so the same set in another order is the same. */
export function setOf<T extends z.ZodType<string>>(item: T, max: number) {
  return z
    .array(item)
    .min(1, 'must list at least one')
    .max(max, `must list at most ${max}`)
    .transform((items) => [...new Set(items)].sort());
}

export const marketsSchema = setOf(z.string().refine(isMarketCode, MARKET_CODE_MESSAGE), 300);

/** `validFrom` ≤ `validUntil`, reported on `validUntil`. */
export function validityInOrder(
  value: { validFrom: string; validUntil: string },
  ctx: z.RefinementCtx,
): void {
  if (value.validFrom > value.validUntil) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before validFrom' });
  }
}

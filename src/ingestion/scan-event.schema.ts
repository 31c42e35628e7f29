import { z } from 'zod';
import { hasValidCheckDigit } from '../gs1/check-digit';

export const identifierSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
  message: 'must be 1-64 characters of A-Z a-z 0-9 . _ -',
});

// PostgreSQL refuses year 0 and JavaScript dates stop at 275760; no real scan or upload is outside this.
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An ISO 8601 date-time with a zone, between the years 1900 and 9999. */
export const isoDateTimeSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone', abort: true })
  .refine((s) => {
    const at = Date.parse(s);
    return at >= EARLIEST && at <= LATEST;
  }, 'must be between the years 1900 and 9999');

/** PostgreSQL text cannot hold NUL, and no barcode carries control characters but GS (U+001D). */
const barcodeText = z
  .string()
  .min(1, 'must not be empty')
  .max(512, 'must be at most 512 characters')
  .refine((code) => !/[\u0000-\u001c\u001e\u001f\u007f]/.test(code), {
    message: 'must not contain control characters other than GS (U+001D)',
  });

// Unknown fields are dropped, not refused: scanners may send more than DockProof reads.
export const scanEventSchema = z.object({
  eventId: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(/^[\u0021-\u007e]+$/, 'must be printable ASCII without spaces'),
  scannerId: identifierSchema,
  scannedAt: isoDateTimeSchema,
  direction: z.enum(['inbound', 'outbound'], { message: 'must be "inbound" or "outbound"' }),
  code: barcodeText,
  palletSscc: z
    .string()
    .regex(/^\d{18}$/, 'must be an 18-digit SSCC')
    .refine(hasValidCheckDigit, 'has a wrong check digit')
    .optional(),
});

export type ScanEvent = z.infer<typeof scanEventSchema>;

export const MAX_EVENTS_PER_MESSAGE = 500;

import { z } from 'zod';
import { describes, namedZodDto } from '../api-docs/response-schema';
import type { Reason, Verdict } from '../verification/verdict';
import { MAX_EVENTS_PER_MESSAGE, scanEventSchema } from './scan-event.schema';

export const reasonSchema = describes<Reason>()(
  z.object({
    code: z.enum([
      'INVALID_PAYLOAD',
      'INVALID_BARCODE',
      'SCANNER_MISREAD',
      'UNKNOWN_BATCH',
      'CERTIFICATE_REVOKED',
      'SUPPLIER_SUSPENDED',
      'SERIAL_NOT_CERTIFIED',
      'QUANTITY_EXCEEDED',
      'EXPIRY_MISMATCH',
      'BATCH_EXPIRED',
      'DUPLICATE_SERIAL',
      'NO_IP_CLEARANCE',
      'IP_CLEARANCE_EXPIRED',
      'NOT_ON_MANIFEST',
      'UNEXPECTED_PALLET',
      'NOT_RECEIVED',
      'ON_HOLD',
    ]),
    message: z.string(),
  }),
);

const verdictSchema = describes<Verdict>()(
  z.object({
    eventId: z.string().meta({ description: 'Null when the message had none to read.' }).nullable(),
    status: z.enum(['verified', 'suspicious', 'rejected']),
    reasons: z.array(reasonSchema),
    item: z
      .object({
        gtin: z.string().optional(),
        lot: z.string().optional(),
        serial: z.string().optional(),
        expiry: z.string().optional(),
        sscc: z.string().optional(),
      })
      .optional(),
    flagId: z.string().meta({ description: 'The flag a suspicious unit joined.' }).nullable(),
    verifiedAt: z.iso.datetime(),
  }),
);

export const SCAN_EXAMPLE = {
  eventId: '7d3b6f0e-0001',
  scannerId: 'SCN-7',
  scannedAt: '2026-11-22T08:15:02.123Z',
  direction: 'inbound',
  code: '(01)09506000134352(10)ABC123(21)SN0001',
} as const;

/** The body of a scan upload: one event, or an array of them (documented; the service decodes it). */
export const ScanUploadDto = namedZodDto(
  'ScanUpload',
  z
    .union([scanEventSchema, z.array(scanEventSchema).min(1).max(MAX_EVENTS_PER_MESSAGE)])
    .meta({ example: SCAN_EXAMPLE }),
);

const VERDICT_EXAMPLE: Verdict = {
  eventId: '7d3b6f0e-0001',
  status: 'verified',
  reasons: [],
  item: { gtin: '09506000134352', lot: 'ABC123', serial: 'SN0001' },
  flagId: null,
  verifiedAt: '2026-11-22T08:15:02.131Z',
};

export const VerdictDto = namedZodDto(
  'Verdicts',
  z.union([verdictSchema, z.array(verdictSchema)]).meta({
    description: 'The verdict, or one per event (in order) when the scans came as an array.',
    example: VERDICT_EXAMPLE,
  }),
);

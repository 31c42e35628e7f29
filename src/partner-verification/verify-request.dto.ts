import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { describes } from '../api-docs/response-schema';
import { normaliseGtin, validateElement } from '../gs1/element';
import { parseGs1Date } from '../gs1/gs1-date';
import { attempt } from '../gs1/gs1-error';
import type { LvmResponse } from './partner-verification.service';

// The value must pass the GS1 rules of its AI (charset, length, check digit, date); the message
// is the parser's own, e.g. "(01) GTIN 09506000134353 has a wrong check digit (expected 2)".
const gs1Value = (ai: string) =>
  z.string().superRefine((value, ctx) => {
    const checked = attempt(() => ({ spec: validateElement(ai, value, new Date()) }));
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.error });
  });

// A Digital Link may write the GTIN in its 8, 12 or 13 digit forms; keys are always GTIN-14 here.
const gtin = z
  .string()
  .transform((value) => normaliseGtin(value) ?? value)
  .pipe(gs1Value('01'));

/** The path of `/api/v1/verify/01/{gtin}[/10/{lot}]/21/{serial}`. */
export const verifyPathSchema = z.object({
  gtin,
  lot: gs1Value('10').optional(),
  serial: gs1Value('21'),
});

export type VerifyPath = z.infer<typeof verifyPathSchema>;

const LINK_TYPES = [
  'verificationService',
  'gs1:verificationService',
  'https://gs1.org/voc/verificationService',
  'https://ref.gs1.org/voc/verificationService',
];

/**
 * The LVM request's query. Other parameters (GS1 data attributes, later releases' additions) are
 * ignored rather than refused, so that a newer requester still gets an answer.
 */
export const verifyQuerySchema = z.object({
  '17': gs1Value('17')
    .transform((yymmdd) => parseGs1Date(yymmdd, new Date()) ?? yymmdd)
    .optional()
    .meta({ example: '280930', description: 'The expiry date on the pack (AI 17, YYMMDD).' }),
  linkType: z
    .string()
    .refine((v) => LINK_TYPES.includes(v), 'must be gs1:verificationService')
    .optional()
    .meta({ example: 'gs1:verificationService' }),
  context: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a context name such as dscsaSaleableReturn')
    .optional()
    .meta({ example: 'dscsaSaleableReturn' }),
  reqGLN: gs1Value('414')
    .optional()
    .meta({ example: '9506000134369', description: "The requester's GLN (AI 414)." }),
  corrUUID: z
    .guid('must be a UUID')
    .optional()
    .meta({ example: '2078fbac-b09d-41df-8364-6706eeca475f', description: 'Echoed back.' }),
});

export class VerifyQueryDto extends createZodDto(verifyQuerySchema) {}

export class LvmResponseDto extends createZodDto(
  describes<LvmResponse>()(
    z.object({
      verificationTimestamp: z.iso.datetime(),
      data: z.object({
        verified: z.boolean(),
        verificationFailureReason: z
          .enum([
            'No_match_GTIN_Serial',
            'No_match_GTIN_Serial_Lot',
            'No_match_GTIN_Serial_Expiry',
            'No_match_GTIN_Serial_Lot_Expiry',
            'No_reason_provided',
          ])
          .optional(),
        additionalInfo: z.enum(['Recalled', 'Suspect', 'Expired']).optional(),
      }),
      corrUUID: z.string(),
    }),
  ).meta({
    example: {
      verificationTimestamp: '2026-11-22T10:12:00.000Z',
      data: { verified: true },
      corrUUID: '2078fbac-b09d-41df-8364-6706eeca475f',
    },
  }),
) {}

export type VerifyQuery = z.infer<typeof verifyQuerySchema>;

import { z } from 'zod';
import { normaliseGtin, validateElement } from '../gs1/element';
import { parseGs1Date } from '../gs1/gs1-date';
import { attempt } from '../gs1/gs1-error';

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
    .optional(),
  linkType: z
    .string()
    .refine((v) => LINK_TYPES.includes(v), 'must be gs1:verificationService')
    .optional(),
  context: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a context name such as dscsaSaleableReturn')
    .optional(),
  reqGLN: gs1Value('414').optional(),
  corrUUID: z.guid('must be a UUID').optional(),
});

export type VerifyQuery = z.infer<typeof verifyQuerySchema>;

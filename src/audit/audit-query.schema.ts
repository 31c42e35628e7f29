import { z } from 'zod';
import { isoDateTimeSchema } from '../ingestion/scan-event.schema';
import { MAX_LIST_LIMIT } from './audit.service';

const filterText = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !/\p{Cc}/u.test(s), 'must not hold control characters');

const dateTime = isoDateTimeSchema.transform((text) => new Date(text));

const positiveInteger = (message: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, message)
    .transform(Number);

// Strict: a misspelt filter must not silently widen an auditor's query to the whole trail.
export const auditQuerySchema = z
  .strictObject({
    objectType: filterText.optional().meta({ example: 'certificate' }),
    objectId: filterText.optional().meta({ example: 'CERT-2026-0042' }),
    actor: filterText.optional().meta({ example: 'key_5c1e9a07b3d24f68' }),
    from: dateTime.optional().meta({ example: '2026-11-01T00:00:00Z' }),
    to: dateTime.optional().meta({ example: '2026-12-01T00:00:00Z' }),
    limit: positiveInteger(`must be an integer from 1 to ${MAX_LIST_LIMIT}`)
      .refine(
        (n) => n >= 1 && n <= MAX_LIST_LIMIT,
        `must be an integer from 1 to ${MAX_LIST_LIMIT}`,
      )
      .optional()
      .meta({ example: '100', description: `1 to ${MAX_LIST_LIMIT}; 100 when left out.` }),
    after: positiveInteger('must be a seq (a non-negative integer)')
      .optional()
      .meta({ example: '1200', description: 'The `nextCursor` of the previous page.' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['to'],
    message: 'must not be before from',
  });

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface FieldError {
  field: string;
  message: string;
}

/** Each bad field once per problem; unknown parameters are named as fields of their own. */
export function fieldErrors(issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: key, message: 'is not a known parameter' }));
    }
    const field = issue.path.map(String).join('.') || '(query)';
    return [{ field, message: issue.message }];
  });
}

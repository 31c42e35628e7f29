import type { z } from 'zod';

export interface FieldProblem {
  /** `[3].scannedAt`, or empty when the whole body is wrong. */
  field: string;
  message: string;
}

/** Each zod issue as the field it concerns and a plain message ("is required" when missing). */
export function fieldProblems(
  issues: z.core.$ZodIssue[],
  body: unknown,
  pathPrefix = '',
): FieldProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
    const field = `${pathPrefix}${path.join('')}`.replace(/^\./, '');
    const missing = issue.path.length > 0 && valueAt(body, issue.path) === undefined;
    return { field, message: missing ? 'is required' : issue.message };
  });
}

/** `[3].scannedAt: is required; [3].code: must not be empty` — each bad field named. */
export function describeIssues(issues: z.core.$ZodIssue[], body: unknown, pathPrefix = ''): string {
  return fieldProblems(issues, body, pathPrefix)
    .map(({ field, message }) => (field ? `${field}: ${message}` : `payload ${message}`))
    .join('; ');
}

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

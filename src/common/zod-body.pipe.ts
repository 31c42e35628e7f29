import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { describeIssues, fieldProblems } from './describe-issues';

/**
 * Validates a request body or query against a zod schema; a 400 names each bad field. The
 * parameter's type is the schema's `createZodDto` class, from which the API document is built.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: describeIssues(result.error.issues, value),
      details: fieldProblems(result.error.issues, value),
    });
  }
}

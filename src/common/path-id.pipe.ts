import { ArgumentMetadata, BadRequestException, PipeTransform } from '@nestjs/common';
import { identifierSchema } from '../ingestion/scan-event.schema';

/**
 * Every path parameter of the API is an identifier; checking them all in one place keeps bytes
 * PostgreSQL refuses (NUL) and oversized ids from reaching a query as a 500.
 */
export class PathIdPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || identifierSchema.safeParse(value).success) return value;
    const field = metadata.data ?? 'path';
    const message = 'must be 1-64 characters of A-Z a-z 0-9 . _ -';
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `${field}: ${message}`,
      details: [{ field, message }],
    });
  }
}

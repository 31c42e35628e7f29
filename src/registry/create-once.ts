import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

export interface Created<T> {
  created: boolean;
  value: T;
}

/** The stored value when it equals the requested one; a 409 when it does not. */
export function sameOrConflict<T>(kind: string, id: string, stored: T, requested: T): T {
  if (!isDeepStrictEqual(stored, requested)) {
    throw new ConflictException(`${kind} ${id} already exists with different details`);
  }
  return stored;
}

/**
 * INSERT … ON CONFLICT DO NOTHING: true when this call inserted the row. A concurrent create of
 * the same id waits for the other transaction and then finds the row, instead of failing.
 */
export async function insertIfAbsent<E extends ObjectLiteral>(
  db: EntityManager,
  target: EntityTarget<E>,
  row: E,
): Promise<boolean> {
  const result = await db
    .createQueryBuilder()
    .insert()
    .into(target)
    .values(row)
    .orIgnore()
    .returning('1')
    .execute();
  return (result.raw as unknown[]).length === 1;
}

/** A 422 naming the field whose reference does not resolve. */
export function unknownReference(field: string, message: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `${field}: ${message}`,
    details: [{ field, message }],
  });
}

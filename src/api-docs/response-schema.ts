import { createZodDto } from 'nestjs-zod';
import type { z } from 'zod';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A zod schema documenting a response type declared elsewhere: it compiles only while the
 * schema's output and `T` are the same type, so the document cannot drift from the code.
 */
export function describes<T>() {
  return <S extends z.ZodType>(schema: Same<z.output<S>, T> extends true ? S : never): S => schema;
}

/**
 * A DTO class for a schema that is not one object (a union, an array), which TypeScript cannot
 * extend; the name is the schema's name in the document.
 */
export function namedZodDto<S extends z.ZodType>(name: string, schema: S) {
  const dto = createZodDto(schema);
  Object.defineProperty(dto, 'name', { value: name });
  return dto;
}

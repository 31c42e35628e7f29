/** A problem with the scanned data itself; its message is meant for dock staff. */
export class Gs1DataError extends Error {
  override readonly name = 'Gs1DataError';
}

export function fail(message: string): never {
  throw new Gs1DataError(message);
}

export type Gs1Outcome<T> = ({ ok: true } & T) | { ok: false; error: string };

/**
 * Runs a parsing step and turns a Gs1DataError into `{ ok: false }`.
 * Any other exception is a bug and is deliberately left to propagate.
 */
export function attempt<T extends object>(step: () => T): Gs1Outcome<T> {
  try {
    return { ok: true, ...step() };
  } catch (error) {
    if (error instanceof Gs1DataError) return { ok: false, error: error.message };
    throw error;
  }
}

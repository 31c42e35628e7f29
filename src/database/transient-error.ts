const TRANSIENT_SQLSTATE = /^(08|53|57P0|57014|40001|40P01)/;
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);
// "is not currently accepting connections": a database closed to connections for a while
// (ALLOW_CONNECTIONS false, as during maintenance), SQLSTATE 55000, which other errors share.
const TRANSIENT_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|not queryable|is not currently accepting connections/i;

/**
 * True when retrying the same work later can succeed (the database is away, overloaded, or a
 * transaction lost a race); false when the data itself is the problem.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const codes = [
    (error as { code?: unknown }).code,
    (error as { driverError?: { code?: unknown } }).driverError?.code,
  ];
  for (const code of codes) {
    if (typeof code !== 'string') continue;
    if (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code)) return true;
  }
  return TRANSIENT_MESSAGE.test(error.message);
}

/**
 * For periodic maintenance (partitions, retention): the database was away or busy, or a lock was
 * not granted within the lock timeout (SQLSTATE 55P03); the next round may well succeed.
 */
export function worthAnotherRound(error: unknown): boolean {
  const codes = [
    (error as { code?: unknown } | undefined)?.code,
    (error as { driverError?: { code?: unknown } } | undefined)?.driverError?.code,
  ];
  return codes.includes('55P03') || isTransientDatabaseError(error);
}

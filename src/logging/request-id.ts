import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// An id the caller chose goes into every log line of the request: only a plain token, so it
// cannot forge or break a line.
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's correlation id: the caller's `X-Request-Id` when acceptable, else a new UUID. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const offered = req.headers['x-request-id'];
  const id = typeof offered === 'string' && CALLER_ID.test(offered) ? offered : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * Express middleware, first in line: the logging middleware runs after the body parsers, and a
 * body they refuse still deserves an id in its error response. pino-http then keeps this id.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  req.id = requestIdFor(req, res);
  next();
}

import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The name of the bearer API-key scheme in the document's components. */
export const API_KEY_SCHEME = 'api-key';

const fieldProblemSchema = z.object({
  field: z
    .string()
    .meta({ description: 'The bad field, e.g. `[3].scannedAt`; empty for the whole body.' }),
  message: z.string(),
});

/** What `ErrorResponseFilter` sends for every error. */
export const errorBodySchema = z
  .object({
    statusCode: z.number().int(),
    error: z.string().meta({ description: 'The HTTP reason phrase.' }),
    message: z.string().meta({ description: 'Every bad field named, `field: problem; …`.' }),
    details: z
      .union([
        z
          .array(fieldProblemSchema)
          .meta({ description: 'A 400 of a request body, query or path: each bad field.' }),
        z
          .object({ verdict: z.record(z.string(), z.unknown()) })
          .meta({ description: 'A scan upload refused: the rejected verdict, kept as evidence.' }),
      ])
      .optional(),
    requestId: z
      .string()
      .optional()
      .meta({ description: 'As in the `X-Request-Id` header and the log lines of the request.' }),
  })
  .meta({ description: 'The body of every error response.' });

export class ErrorBody extends createZodDto(errorBodySchema) {}

type ErrorBodyExample = z.infer<typeof errorBodySchema>;

const ERRORS = {
  400: {
    description: 'The request is invalid; `details` names each bad field.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'siteId: must be 1-64 characters of A-Z a-z 0-9 . _ -; name: is required',
      details: [
        { field: 'siteId', message: 'must be 1-64 characters of A-Z a-z 0-9 . _ -' },
        { field: 'name', message: 'is required' },
      ],
    },
  },
  401: {
    description: 'No API key, or an unknown or revoked one.',
    example: {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'a valid API key is required (Authorization: Bearer <key>)',
    },
  },
  403: {
    description: "The key's role may not do this, or the site or supplier is outside its scope.",
    example: { statusCode: 403, error: 'Forbidden', message: 'this key is not for site AMS1' },
  },
  404: {
    description: 'The object named in the path does not exist.',
    example: { statusCode: 404, error: 'Not Found', message: 'supplier ACME does not exist' },
  },
  409: {
    description: 'It already exists with different content.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'supplier ACME already exists with different details',
    },
  },
  413: {
    description: 'The body is over the size limit.',
    example: {
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'payload is 1048577 bytes, over the limit of 1048576',
    },
  },
  422: {
    description: 'Well-formed, but it cannot be accepted (e.g. a signature that does not verify).',
    example: {
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'supplier ACME is not registered',
    },
  },
  429: {
    description: 'Over the rate limit of this API key.',
    example: {
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'ThrottlerException: Too Many Requests',
    },
  },
  503: {
    description: 'The instance is shutting down; send it again to another.',
    example: {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'DockProof is shutting down',
    },
  },
} satisfies Record<number, { description: string; example: ErrorBodyExample }>;

export type ErrorStatus = keyof typeof ERRORS;

/** The error responses an operation can give, each with the one error body schema. */
export function ApiErrorResponses(...statuses: ErrorStatus[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, type: ErrorBody, ...ERRORS[status] })),
  );
}

import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/**
 * Every error leaves as `{statusCode, error, message, details?, requestId}`; anything unexpected is
 * a logged 500. `requestId` is the one in the request's log lines and `X-Request-Id` header.
 */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorResponseFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(host.switchToHttp().getRequest<Request>());
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const fields =
        typeof body === 'object' ? (body as Record<string, unknown>) : { message: body };
      res.status(statusCode).json({
        statusCode,
        error: fields.error ?? STATUS_CODES[statusCode] ?? 'Error',
        message: fields.message ?? exception.message,
        ...(fields.details !== undefined && { details: fields.details }),
        ...requestId,
      });
      return;
    }
    const clientError = exposedClientError(exception);
    if (clientError) {
      res.status(clientError.status).json({
        statusCode: clientError.status,
        error: STATUS_CODES[clientError.status] ?? 'Error',
        message: clientError.message,
        ...requestId,
      });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Internal server error',
      ...requestId,
    });
  }
}

function requestIdOf(req: Request): { requestId?: string } {
  return typeof req.id === 'string' ? { requestId: req.id } : {};
}

/** Errors that Express middleware (the body parser) raises for the client's own mistakes. */
function exposedClientError(exception: unknown): { status: number; message: string } | null {
  if (!(exception instanceof Error)) return null;
  const { status, expose } = exception as Error & { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null;
  return { status, message: exception.message };
}

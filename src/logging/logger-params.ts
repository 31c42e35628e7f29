import type { IncomingMessage } from 'node:http';
import { LoggerService } from '@nestjs/common';
import { Logger, Params, PinoLogger } from 'nestjs-pino';
import { Level, stdTimeFunctions } from 'pino';
import type { SerializedRequest, SerializedResponse } from 'pino-std-serializers';
import type { Settings } from '../config/settings';
import { requestIdFor } from './request-id';

const PINO_LEVEL: Record<Settings['LOG_LEVEL'], Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

// Probes and Prometheus poll these: a line each time would bury everything else.
const POLLED = /^\/(health|metrics)(\/|\?|$)/;

/** One JSON line per entry on stdout: `level`, `time`, `msg`, and `context` from Nest's loggers. */
export function loggerParams(settings: Settings): Params {
  return {
    pinoHttp: {
      level: PINO_LEVEL[settings.LOG_LEVEL],
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // The request as pino-http sees it, less the route params; of the response, its status.
      serializers: {
        req: ({ id, method, url, headers, remoteAddress }: SerializedRequest) => ({
          id,
          method,
          url,
          headers,
          remoteAddress,
        }),
        res: ({ statusCode }: SerializedResponse) => ({ statusCode }),
      },
      genReqId: requestIdFor,
      // Lines logged while handling a request carry its id, not the whole request again.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customLogLevel: (req) => (POLLED.test(pathOf(req)) ? 'debug' : 'info'),
    },
  };
}

/**
 * Nest's logger over the same pino logger the app will use, for what is logged before the app
 * exists and after it closes (the embedded PostgreSQL). nestjs-pino keeps one pino logger per
 * process, made with the parameters it sees first.
 */
export function processLogger(settings: Settings): LoggerService {
  const params = loggerParams(settings);
  return new Logger(new PinoLogger(params), params);
}

function pathOf(req: IncomingMessage): string {
  // Express rewrites `url` inside mounted middleware; `originalUrl` is what the client asked for.
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

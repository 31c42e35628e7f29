import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { Settings } from './config/settings';
import { PathIdPipe } from './common/path-id.pipe';
import { ErrorResponseFilter } from './common/error-response.filter';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { setUpApiDocs } from './api-docs/api-docs';
import { processLogger } from './logging/logger-params';
import { assignRequestId } from './logging/request-id';

export interface RunningDockProof {
  app: INestApplication;
  settings: Settings;
  close(): Promise<void>;
}

/** Starts DockProof: the embedded PostgreSQL when DATABASE_URL is unset, then the Nest app. */
export async function startDockProof(settings: Settings): Promise<RunningDockProof> {
  Logger.overrideLogger(processLogger(settings));
  const embedded = settings.DATABASE_URL ? undefined : new EmbeddedPostgres(settings.DATA_DIR);
  const resolved = embedded ? { ...settings, DATABASE_URL: await embedded.start() } : settings;
  try {
    const app = await NestFactory.create(AppModule.forRoot(resolved), {
      bodyParser: false,
      bufferLogs: true,
    });
    app.useLogger(app.get(PinoNestLogger));
    configureHttp(app);
    await app.listen(resolved.PORT);
    return {
      app,
      settings: resolved,
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

const SCAN_UPLOAD = /^\/api\/v1\/sites\/[^/]+\/docks\/[^/]+\/scans\/?(\?|$)/;
const CERTIFICATE_UPLOAD = /^\/api\/v1\/certificates\/?(\?|$)/;

function configureHttp(app: INestApplication): void {
  app.use(assignRequestId);
  // Registry bodies are small; a certificate may list a million serials.
  const parseJson = json({ limit: '64kb' });
  const parseCertificate = json({ limit: '64mb' });
  // Scan uploads read their own body: an oversized or broken one is still kept as evidence.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (SCAN_UPLOAD.test(req.url)) return next();
    if (req.method === 'POST' && CERTIFICATE_UPLOAD.test(req.url))
      return parseCertificate(req, res, next);
    return parseJson(req, res, next);
  });
  app.use(helmet());
  // After helmet: /docs sets its own Content-Security-Policy for Swagger UI.
  setUpApiDocs(app);
  app.useGlobalFilters(new ErrorResponseFilter());
  app.useGlobalPipes(new PathIdPipe());
}

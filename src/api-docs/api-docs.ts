import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { version } from '../../package.json';
import { API_KEY_SCHEME } from './error-responses';

const API_DOCS_PATH = 'docs';
const API_DOCUMENT_PATH = `${API_DOCS_PATH}/openapi.json`;

/** The document describes the API; /health, /metrics and the console are described in the README. */
const API_PREFIX = '/api/v1/';

/**
 * helmet's default policy upgrades every request to HTTPS, which breaks Swagger UI on a plain-HTTP
 * LAN address; otherwise as strict as the UI allows (its inline `<style>` and style attributes).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves Swagger UI at /docs and the OpenAPI document at /docs/openapi.json, built from the
 * controllers' decorators and their zod schemas. Call it before `listen`, after helmet.
 */
export function setUpApiDocs(app: INestApplication): void {
  app.use(`/${API_DOCS_PATH}`, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  SwaggerModule.setup(API_DOCS_PATH, app, () => buildApiDocument(app), {
    jsonDocumentUrl: API_DOCUMENT_PATH,
    raw: ['json'],
    customSiteTitle: 'DockProof API',
    swaggerOptions: { showExtensions: true },
  });
}

function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('DockProof')
    .setVersion(version)
    .setDescription(
      'The provenance gate at warehouse and carrier docks. Every request carries ' +
        '`Authorization: Bearer <api key>`; `x-roles` lists the roles an operation allows and ' +
        '`x-scope` which sites or suppliers each may reach. Errors share one body: ' +
        '`{statusCode, error, message, details?}`.',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'A DockProof API key.' },
      API_KEY_SCHEME,
    )
    .build();
  const document = cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
  const paths = Object.entries(document.paths).filter(([path]) => path.startsWith(API_PREFIX));
  return withOpenApi30Nullables({ ...document, paths: Object.fromEntries(paths) });
}

/**
 * zod writes a nullable primitive as `type: ["string", "null"]` (JSON Schema), which
 * cleanupOpenApiDoc leaves as it is; OpenAPI 3.0 says `type: "string", nullable: true`.
 */
function withOpenApi30Nullables(document: OpenAPIObject): OpenAPIObject {
  return JSON.parse(JSON.stringify(document), (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !('type' in value)) return value;
    const { type } = value as { type: unknown };
    if (!Array.isArray(type) || type.length !== 2 || !type.includes('null')) return value;
    return { ...value, type: type.find((t) => t !== 'null') as unknown, nullable: true };
  }) as OpenAPIObject;
}

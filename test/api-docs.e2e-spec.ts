import {
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { HttpException, RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { ACCESS_KEY, AccessRule } from '../src/auth/access.decorator';
import { PathIdPipe } from '../src/common/path-id.pipe';
import { ZodPipe } from '../src/common/zod-body.pipe';
import { launchBrowser, openTablet } from './support/browser';
import { startTestApp, TestApp } from './support/test-app';

type Json = Record<string, unknown>;
type Operation = Json & {
  parameters?: Array<{ name: string; in: string; example?: unknown; schema?: Json }>;
  requestBody?: { content: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: Json; example?: unknown }> }>;
  security?: Array<Record<string, string[]>>;
};

interface ParamRule {
  index: number;
  data?: string;
  pipes: Array<PipeTransform | Type<PipeTransform>>;
}

/** One handler as Nest registered it, with what it declares. */
interface Route {
  name: string;
  method: string;
  /** OpenAPI form: `/api/v1/certificates/{certificateId}`. */
  path: string;
  rule: AccessRule | undefined;
  /** Route arguments by kind (`3` body, `4` query, …; custom decorators by their key). */
  params: Array<ParamRule & { kind: string; type: unknown }>;
}

const API = '/api/v1/';
const CUSTOM_ARGS = '__customRouteArgs__';

let app: TestApp;
let document: OpenAPIObject;
let routes: Route[];

beforeAll(async () => {
  app = await startTestApp();
  const res = await fetch(`${app.url}/docs/openapi.json`);
  expect(res.status).toBe(200);
  document = (await res.json()) as OpenAPIObject;
  routes = discoverRoutes();
});

afterAll(async () => {
  await app?.close();
});

describe('the OpenAPI document at /docs/openapi.json', () => {
  it('is a valid OpenAPI document titled DockProof with the package version', async () => {
    await expect(validateOpenApi(document)).resolves.toBe('valid');
    expect(document.info).toMatchObject({ title: 'DockProof', version: '0.1.0' });
    expect(document.components?.securitySchemes?.['api-key']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('describes exactly the routes registered under /api/v1', () => {
    expect(routes.length).toBeGreaterThan(20);
    const registered = routes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(registered);
    // The router itself, not only Nest's metadata, serves each of them.
    const served = expressRoutes().filter((r) => r.split(' ')[1].startsWith(API));
    expect(served.sort()).toEqual(
      routes.map((r) => `${r.method} ${r.path.replace(/{(\w+)}/g, ':$1')}`).sort(),
    );
  });

  it('gives every operation a tag, a summary, the API key, its roles and scope, 401 and 403', () => {
    for (const route of routes) {
      const op = operation(route);
      const roles = route.rule && !route.rule.public ? route.rule.roles : null;
      expect({ route: route.name, roles }).toEqual({ route: route.name, roles: expect.any(Array) });
      expect({ route: route.name, tags: op.tags, summary: op.summary }).toEqual({
        route: route.name,
        tags: [expect.any(String)],
        summary: expect.stringMatching(/\S/),
      });
      expect({ route: route.name, security: op.security }).toEqual({
        route: route.name,
        security: [{ 'api-key': [] }],
      });
      expect({ route: route.name, roles: op['x-roles'] }).toEqual({ route: route.name, roles });
      expect(op['x-scope']).toEqual(expect.stringContaining(roles![0]));
      expect({ route: route.name, errors: Object.keys(op.responses) }).toEqual({
        route: route.name,
        errors: expect.arrayContaining(['401', '403', '429']),
      });
    }
  });

  it('documents 400 wherever a route takes input, 404 wherever an id is in its path', () => {
    for (const route of routes) {
      const op = operation(route);
      const takesInput =
        route.path.includes('{') ||
        route.params.some((p) => ['body', 'query', 'custom'].includes(p.kind)) ||
        route.method !== 'get';
      if (takesInput)
        expect({ route: route.name, has400: '400' in op.responses }).toEqual({
          route: route.name,
          has400: true,
        });
      // The partner verification path is GS1 data, not an id: an unknown unit is an answer.
      if (/Id}/.test(route.path) && route.method !== 'post')
        expect({ route: route.name, has404: '404' in op.responses }).toEqual({
          route: route.name,
          has404: true,
        });
    }
  });

  it('gives every error response the one error body schema and an example of it', () => {
    for (const route of routes) {
      for (const [status, response] of Object.entries(operation(route).responses)) {
        if (Number(status) < 400) continue;
        const media = response.content?.['application/json'];
        expect({ route: route.name, status, ref: media?.schema?.$ref }).toEqual({
          route: route.name,
          status,
          ref: '#/components/schemas/ErrorBody',
        });
        expect(media?.example).toMatchObject({ statusCode: Number(status) });
      }
    }
  });

  it('gives every operation a success response with a schema and an example', () => {
    for (const route of routes) {
      const successes = Object.entries(operation(route).responses).filter(
        ([status]) => Number(status) < 300,
      );
      expect({ route: route.name, documented: successes.length > 0 }).toEqual({
        route: route.name,
        documented: true,
      });
      for (const [, response] of successes) {
        const [media] = Object.values(response.content ?? {});
        expect({ route: route.name, schema: media?.schema }).toEqual({
          route: route.name,
          schema: expect.any(Object),
        });
        expect({ route: route.name, example: exampleOf(media) !== undefined }).toEqual({
          route: route.name,
          example: true,
        });
      }
    }
  });

  it('documents body and query parameters from the same zod schema their pipe validates with', () => {
    for (const route of routes) {
      for (const param of route.params.filter((p) => p.kind === 'body' || p.kind === 'query')) {
        const dto = param.type as { isZodDto?: boolean; schema?: unknown };
        expect({ route: route.name, zodDto: dto.isZodDto }).toEqual({
          route: route.name,
          zodDto: true,
        });
        for (const pipe of param.pipes)
          if (pipe instanceof ZodPipe)
            expect({ route: route.name, same: pipe.schema === dto.schema }).toEqual({
              route: route.name,
              same: true,
            });
      }
    }
  });

  it('has request examples that pass the very pipes validating the request', () => {
    let checked = 0;
    for (const route of routes) {
      const op = operation(route);
      for (const param of route.params) {
        const example = requestExample(op, param.kind);
        if (param.kind === 'body' || param.kind === 'custom')
          expect({ route: route.name, kind: param.kind, example }).toEqual({
            route: route.name,
            kind: param.kind,
            example: expect.any(Object),
          });
        if (example === undefined) continue;
        const metadata: ArgumentMetadata = {
          type: param.kind === 'body' || param.kind === 'query' ? param.kind : 'custom',
          metatype: param.type as Type,
          data: param.data,
        };
        for (const pipe of param.pipes.map(instanceOf)) {
          expect({
            route: route.name,
            refused: refusal(() => pipe.transform(example, metadata)),
          }).toEqual({ route: route.name, refused: null });
          checked++;
        }
      }
      for (const name of pathParams(route.path)) {
        const param = op.parameters?.find((p) => p.in === 'path' && p.name === name);
        const example = param?.example ?? param?.schema?.example;
        expect({ route: route.name, name, example }).toEqual({
          route: route.name,
          name,
          example: expect.any(String),
        });
        // Partner verification reads its path past PathIdPipe, through its own schema (above).
        if (route.params.some((p) => p.kind === 'param' && p.data === name))
          expect({
            route: route.name,
            refused: refusal(() =>
              new PathIdPipe().transform(example, { type: 'param', data: name }),
            ),
          }).toEqual({ route: route.name, refused: null });
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('has examples valid against the schemas the document gives them', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(asJsonSchema({ components: document.components }), 'doc');
    const validate = (schema: Json, example: unknown, where: string) => {
      const check = ajv.compile(asJsonSchema(schema));
      const valid = check(example);
      expect({ where, errors: valid ? null : check.errors }).toEqual({ where, errors: null });
    };
    let checked = 0;
    for (const route of routes) {
      const op = operation(route);
      const media = [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {})),
      ];
      for (const m of media) {
        const example = exampleOf(m);
        if (example === undefined || !m.schema) continue;
        validate(m.schema, example, route.name);
        checked++;
      }
      for (const p of op.parameters ?? []) {
        if (p.example === undefined || !p.schema) continue;
        validate(p.schema, p.example, `${route.name} ${p.name}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('/docs', () => {
  it('serves Swagger UI that loads the document under its content security policy', async () => {
    const res = await fetch(`${app.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('swagger-ui');
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');

    const browser = await launchBrowser();
    try {
      const tablet = await openTablet(browser);
      await tablet.page.goto(`${app.url}/docs`);
      await tablet.page.getByText('DockProof', { exact: false }).first().waitFor();
      await tablet.page
        .locator('.opblock-summary-path', { hasText: '/api/v1/certificates' })
        .first()
        .waitFor();
      expect(tablet.errors).toEqual([]);
      await tablet.close();
    } finally {
      await browser.close();
    }
  });
});

/**
 * swagger-parser loads an ES module that Jest's CommonJS runtime cannot, so it runs in a plain
 * Node beside the test.
 */
function validateOpenApi(doc: OpenAPIObject): Promise<string> {
  const script = `
    let text = '';
    process.stdin.on('data', (d) => (text += d)).on('end', () =>
      require('@apidevtools/swagger-parser').validate(JSON.parse(text)).then(
        () => process.stdout.write('valid'),
        (error) => process.stdout.write(error.message),
      ));`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(JSON.stringify(doc));
  });
}

function discoverRoutes(): Route[] {
  const modules = [...app.dockproof.app.get(ModulesContainer).values()];
  const controllers = modules.flatMap((module) => [...module.controllers.values()]);
  const scanner = new MetadataScanner();
  return controllers.flatMap(({ metatype, instance }) => {
    const controller = metatype as Type;
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
    return scanner.getAllMethodNames(Object.getPrototypeOf(instance)).flatMap((name): Route[] => {
      const handler = (controller.prototype as Record<string, (...args: never[]) => unknown>)[name];
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      return [paths]
        .flat()
        .map((path) => `/${[base, path].filter(Boolean).join('/')}`.replace(/\/+$/, ''))
        .filter((path) => path.startsWith(API))
        .map((path) => ({
          name: `${controller.name}.${name}`,
          method: method.toLowerCase(),
          path: path.replace(/:(\w+)/g, '{$1}'),
          rule: Reflect.getMetadata(ACCESS_KEY, handler) as AccessRule | undefined,
          params: routeParams(controller, name, handler),
        }));
    });
  });
}

function routeParams(controller: Type, name: string, handler: object): Route['params'] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
    string,
    ParamRule
  >;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ??
    []) as unknown[];
  const methodPipes = (Reflect.getMetadata(PIPES_METADATA, handler) ?? []) as ParamRule['pipes'];
  return Object.entries(args).map(([key, rule]) => {
    const kind = key.includes(CUSTOM_ARGS)
      ? 'custom'
      : (RouteParamtypes[Number(key.split(':')[0])]?.toLowerCase() ?? key);
    return { ...rule, pipes: [...methodPipes, ...rule.pipes], kind, type: types[rule.index] };
  });
}

function expressRoutes(): string[] {
  const express = app.dockproof.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap(({ route }) =>
    route ? Object.keys(route.methods).map((m) => `${m} ${route.path}`) : [],
  );
}

function operation(route: Route): Operation {
  const op = (document.paths[route.path] as Record<string, Operation> | undefined)?.[route.method];
  if (!op) throw new Error(`${route.method} ${route.path} (${route.name}) is not documented`);
  return op;
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/{(\w+)}/g)].map((m) => m[1]);
}

/** The example a client would copy: the media type's own, else its schema's. */
function exampleOf(media: { schema?: Json; example?: unknown } | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  return schemaExample(media.schema);
}

/** As Swagger UI shows it: a list of an item schema's example is a list of one. */
function schemaExample(schema: Json | undefined): unknown {
  const resolved = schemaOf(schema);
  if (resolved?.example !== undefined) return resolved.example;
  const items = resolved?.type === 'array' ? schemaExample(resolved.items as Json) : undefined;
  return items === undefined ? undefined : [items];
}

function schemaOf(schema: Json | undefined): Json | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  return document.components?.schemas?.[ref.split('/').pop()!] as Json | undefined;
}

function requestExample(op: Operation, kind: string): unknown {
  if (kind === 'body') return exampleOf(op.requestBody?.content['application/json']);
  const where = kind === 'query' ? 'query' : kind === 'custom' ? 'path' : null;
  if (!where) return undefined;
  const entries = (op.parameters ?? [])
    .filter((p) => p.in === where && (p.example ?? p.schema?.example) !== undefined)
    .map((p) => [p.name, p.example ?? p.schema?.example]);
  return entries.length > 0 || kind === 'custom' ? Object.fromEntries(entries) : undefined;
}

/** What a pipe said when it refused the value, or null when it took it. */
function refusal(transform: () => unknown): unknown {
  try {
    transform();
    return null;
  } catch (error) {
    return error instanceof HttpException ? error.getResponse() : String(error);
  }
}

function instanceOf(pipe: PipeTransform | Type<PipeTransform>): PipeTransform {
  return typeof pipe === 'function' ? app.dockproof.app.get(pipe, { strict: false }) : pipe;
}

/**
 * As JSON Schema for ajv: refs point into the document (registered as `doc`), and OpenAPI 3.0's
 * boolean `exclusiveMinimum`/`exclusiveMaximum` become the bounds themselves.
 */
function asJsonSchema(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    if (typeof value === 'string' && value.startsWith('#/components/')) return `doc${value}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const s = { ...(value as Json) };
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof s[exclusive] !== 'boolean') continue;
      if (s[exclusive]) s[exclusive] = s[bound];
      else delete s[exclusive];
      if (s[exclusive] !== undefined) delete s[bound];
    }
    return s;
  }) as Json;
}

import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ROLES } from '../src/auth/roles';
import { withCheckDigit } from '../src/gs1/check-digit';
import { issueKey } from './support/api-keys';
import { certificate, signed, supplierKeys } from './support/certificates';
import { scanEvent } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

type Caller = (typeof ROLES)[number] | 'no key' | 'unknown key' | 'revoked key' | 'other scope';

interface Endpoint {
  /** Callers that succeed; without a valid key 401, any other caller 403 (`other scope`: a scanner of RTM2). */
  allowed: Caller[];
  /** A fresh request that succeeds for an allowed role. */
  call: (t: request.Agent | ReturnType<typeof request>) => request.Test;
  ok: number[];
}

const id = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
const sscc = () => {
  const digits = `1${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(16, '0')
    .slice(-16)}`;
  return withCheckDigit(digits);
};
const IP_RIGHT = {
  kind: 'trademark',
  title: 'Acme',
  owner: 'Acme',
  registrationNumber: 'EUTM-1',
  jurisdictions: ['EU'],
  gtinPrefixes: ['0950600'],
  validFrom: '2026-01-01',
  validUntil: '2030-12-31',
};
const supplierM = supplierKeys();
const publicKey = supplierM.publicKeyPem;

/** Every route of the app: a route missing here fails the test, so none ships without a rule. */
const matrix: Record<string, Endpoint> = {
  'POST /api/v1/api-keys': {
    allowed: ['admin'],
    call: (t) => t.post('/api/v1/api-keys').send({ role: 'auditor', label: 'matrix' }),
    ok: [201],
  },
  'DELETE /api/v1/api-keys/:keyId': {
    allowed: ['admin'],
    call: (t) => t.delete(`/api/v1/api-keys/${victimKeyId}`),
    ok: [200],
  },
  'POST /api/v1/sites': {
    allowed: ['admin'],
    call: (t) => t.post('/api/v1/sites').send({ siteId: id('S'), name: 'Site', country: 'NL' }),
    ok: [201],
  },
  'POST /api/v1/suppliers': {
    allowed: ['admin', 'compliance'],
    call: (t) =>
      t
        .post('/api/v1/suppliers')
        .send({ supplierId: id('SUP'), name: 'Acme', country: 'VN', publicKey }),
    ok: [201],
  },
  'GET /api/v1/suppliers/:supplierId': {
    allowed: ['admin', 'compliance', 'supplier'],
    call: (t) => t.get('/api/v1/suppliers/SUP-M'),
    ok: [200],
  },
  'PATCH /api/v1/suppliers/:supplierId': {
    allowed: ['admin', 'compliance'],
    call: (t) => t.patch('/api/v1/suppliers/SUP-M').send({ name: id('Acme') }),
    ok: [200],
  },
  'POST /api/v1/ip-rights': {
    allowed: ['admin', 'compliance'],
    call: (t) => t.post('/api/v1/ip-rights').send({ rightId: id('TM'), ...IP_RIGHT }),
    ok: [201],
  },
  'POST /api/v1/clearances': {
    allowed: ['admin', 'compliance'],
    call: (t) =>
      t.post('/api/v1/clearances').send({
        clearanceId: id('CLR'),
        supplierId: 'SUP-M',
        gtin: '09506000134352',
        lot: null,
        markets: ['NL'],
        rightIds: ['TM-M'],
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      }),
    ok: [201],
  },
  'POST /api/v1/manifests': {
    allowed: ['supplier'],
    call: (t) =>
      t.post('/api/v1/manifests').send({
        manifestId: id('MAN'),
        supplierId: 'SUP-M',
        carrierId: 'CARRIER-1',
        siteId: 'AMS1',
        pallets: [{ sscc: sscc(), items: [{ gtin: '09506000134352', lot: 'L1', quantity: 1 }] }],
      }),
    ok: [201],
  },
  'POST /api/v1/certificates': {
    allowed: ['supplier'],
    call: (t) =>
      t.post('/api/v1/certificates').send(signed(certificate({ supplierId: 'SUP-M' }), supplierM)),
    ok: [201],
  },
  'GET /api/v1/certificates/:certificateId': {
    allowed: ['supplier', 'admin'],
    call: (t) => t.get('/api/v1/certificates/CERT-M'),
    ok: [200],
  },
  'POST /api/v1/certificates/:certificateId/revoke': {
    allowed: ['supplier', 'admin'],
    call: (t) => t.post('/api/v1/certificates/CERT-M/revoke').send({ reason: 'matrix' }),
    ok: [200],
  },
  'POST /api/v1/sites/:siteId/docks/:dockId/scans': {
    allowed: ['scanner'],
    call: (t) => t.post('/api/v1/sites/AMS1/docks/D1/scans').send(scanEvent()),
    ok: [200],
  },
  'GET /api/v1/flags': {
    allowed: ['supervisor', 'admin'],
    call: (t) => t.get('/api/v1/flags?siteId=AMS1'),
    ok: [200],
  },
  'GET /api/v1/flags/stream': {
    allowed: ['supervisor', 'admin'],
    // The stream never ends: take the status and headers, then hang up.
    call: (t) =>
      t
        .get('/api/v1/flags/stream?siteId=AMS1')
        .buffer(true)
        .parse((res, done) => {
          if (String(res.headers['content-type']).startsWith('text/event-stream')) {
            done(null, {});
            // At run time the parser gets Node's IncomingMessage.
            (res as unknown as NodeJS.ReadableStream & { destroy(): void }).destroy();
            return;
          }
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, JSON.parse(text)));
        }),
    ok: [200],
  },
  'GET /api/v1/flags/:flagId': {
    allowed: ['supervisor', 'admin'],
    call: (t) => t.get(`/api/v1/flags/${freshFlagId}`),
    ok: [200],
  },
  'GET /api/v1/flags/:flagId/evidence': {
    allowed: ['supervisor', 'admin', 'auditor', 'compliance'],
    call: (t) => t.get(`/api/v1/flags/${freshFlagId}/evidence`),
    ok: [200],
  },
  'POST /api/v1/flags/:flagId/resolve': {
    allowed: ['supervisor'],
    call: (t) =>
      t.post(`/api/v1/flags/${freshFlagId}/resolve`).send({ action: 'release', note: 'matrix' }),
    ok: [200],
  },
  'POST /api/v1/sites/:siteId/webhooks': {
    allowed: ['admin', 'wms'],
    call: (t) =>
      t.post('/api/v1/sites/AMS1/webhooks').send({ url: `http://127.0.0.1:9/${id('hook')}` }),
    ok: [201],
  },
  'GET /api/v1/webhooks': {
    allowed: ['admin'],
    call: (t) => t.get('/api/v1/webhooks'),
    ok: [200],
  },
  'DELETE /api/v1/sites/:siteId/webhooks/:endpointId': {
    allowed: ['admin', 'wms'],
    call: (t) => t.delete(`/api/v1/sites/AMS1/webhooks/${victimWebhookId}`),
    ok: [200],
  },
  'GET /api/v1/audit': {
    allowed: ['admin', 'auditor'],
    call: (t) => t.get('/api/v1/audit'),
    ok: [200],
  },
  'GET /api/v1/audit/verify': {
    allowed: ['admin', 'auditor'],
    call: (t) => t.get('/api/v1/audit/verify'),
    ok: [200],
  },
  'GET /api/v1/epcis/events': {
    allowed: ['admin', 'auditor', 'compliance', 'supervisor', 'wms'],
    call: (t) => t.get('/api/v1/epcis/events?siteId=AMS1'),
    ok: [200],
  },
  'GET /api/v1/verify/01/:gtin/10/:lot/21/:serial': {
    allowed: ['partner', 'admin'],
    call: (t) => t.get('/api/v1/verify/01/09506000134352/10/ABC123/21/SN0001?17=281231'),
    ok: [200],
  },
  'GET /api/v1/verify/01/:gtin/21/:serial': {
    allowed: ['partner', 'admin'],
    call: (t) => t.get('/api/v1/verify/01/09506000134352/21/SN0001'),
    ok: [200],
  },
  'GET /health': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/health'),
    ok: [200],
  },
  'GET /health/live': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/health/live'),
    ok: [200],
  },
  'GET /health/ready': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/health/ready'),
    ok: [200],
  },
  'GET /api/v1/kpis': {
    allowed: ['admin', 'auditor', 'compliance', 'supervisor'],
    call: (t) => t.get('/api/v1/kpis'),
    ok: [200],
  },
  'GET /metrics': {
    allowed: ['admin', 'auditor'],
    call: (t) => t.get('/metrics'),
    ok: [200],
  },
  'GET /console': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/console'),
    ok: [200],
  },
  'GET /docs': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/docs'),
    ok: [200],
  },
  'GET /docs/openapi.json': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/docs/openapi.json'),
    ok: [200],
  },
  'GET /console/:file': {
    allowed: [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'],
    call: (t) => t.get('/console/console.js'),
    ok: [200],
  },
};

let victimKeyId = '';
let victimWebhookId = '';
let freshFlagId = '';

describe('authorization matrix', () => {
  let app: TestApp;
  const keys = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    // Webhooks point at a closed local port: deliveries fail at once, without DNS or network.
    app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    const scopes: Record<string, object> = {
      supplier: { supplierId: 'SUP-M' },
      supervisor: { siteIds: ['AMS1'] },
      scanner: { siteIds: ['AMS1'] },
      wms: { siteIds: ['AMS1'] },
    };
    for (const role of ROLES) {
      keys.set(
        role,
        role === 'admin'
          ? app.adminKey
          : await issueKey(app.url, app.adminKey, { role, ...scopes[role] }),
      );
    }
    keys.set('no key', undefined);
    keys.set('unknown key', `dp_key_0000_${randomBytes(32).toString('base64url')}`);
    const revoked = await issueKey(app.url, app.adminKey, { role: 'admin' });
    await request(app.http)
      .delete(`/api/v1/api-keys/${keyIdOf(revoked)}`)
      .auth(app.adminKey, { type: 'bearer' })
      .expect(200);
    keys.set('revoked key', revoked);
    keys.set(
      'other scope',
      await issueKey(app.url, app.adminKey, { role: 'scanner', siteIds: ['RTM2'] }),
    );
    await request(app.http)
      .post('/api/v1/suppliers')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ supplierId: 'SUP-M', name: 'Acme', country: 'VN', publicKey })
      .expect(201);
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ siteId: 'AMS1', name: 'Amsterdam', country: 'NL' })
      .expect(201);
    await request(app.http)
      .post('/api/v1/ip-rights')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ rightId: 'TM-M', ...IP_RIGHT })
      .expect(201);
    await request(app.http)
      .post('/api/v1/certificates')
      .auth(keys.get('supplier')!, { type: 'bearer' })
      .send(signed(certificate({ supplierId: 'SUP-M', certificateId: 'CERT-M' }), supplierM))
      .expect(201);
  });

  afterAll(() => app?.close());

  beforeEach(async () => {
    victimKeyId = keyIdOf(await issueKey(app.url, app.adminKey, { role: 'auditor' }));
    victimWebhookId = await webhookVictim(app, victimWebhookId);
    const suspicious = await request(app.http)
      .post('/api/v1/sites/AMS1/docks/D1/scans')
      .auth(keys.get('scanner')!, { type: 'bearer' })
      .send(scanEvent({ code: `(01)09506000134352(10)NOPE(21)${id('SN').slice(0, 12)}` }))
      .expect(200);
    freshFlagId = (suspicious.body as { flagId: string }).flagId;
  });

  it('has a rule in this matrix for every route the app serves', () => {
    const router = app.dockproof.app.getHttpAdapter().getInstance().router as {
      stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
    };
    // Not routes of their own: middleware mounted for every path (the request logger's
    // `{/*splat}`), and the static files of Swagger UI's page at /docs.
    const notOwnRoute = (path: string) =>
      path.includes('*') || (path.startsWith('/docs/') && path !== '/docs/openapi.json');
    const routes = router.stack.flatMap((layer) =>
      layer.route && !notOwnRoute(layer.route.path)
        ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
        : [],
    );
    expect(routes.sort()).toEqual(Object.keys(matrix).sort());
  });

  const callers: Caller[] = [...ROLES, 'no key', 'unknown key', 'revoked key', 'other scope'];
  const cases = Object.entries(matrix).flatMap(([route, endpoint]) =>
    callers.map((caller) => [route, caller, expectedStatus(endpoint, caller)] as const),
  );

  it.each(cases)('%s as %s → %s', async (route, caller, expected) => {
    const endpoint = matrix[route];
    const key = keys.get(caller);
    let test = endpoint.call(request(app.http));
    if (key) test = test.auth(key, { type: 'bearer' });
    const res = await test;
    if (expected === 'ok') expect(endpoint.ok).toContain(res.status);
    else expect(res.status).toBe(expected);
    if (res.status >= 400)
      expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String) });
  });
});

function expectedStatus(endpoint: Endpoint, caller: Caller): 'ok' | 401 | 403 {
  if (endpoint.allowed.includes(caller)) return 'ok';
  if (caller === 'no key' || caller === 'unknown key' || caller === 'revoked key') return 401;
  return 403;
}

/** The endpoint DELETE removes, replaced only once deleted so that endpoints do not pile up. */
async function webhookVictim(app: TestApp, current: string): Promise<string> {
  const list = await request(app.http)
    .get('/api/v1/webhooks')
    .auth(app.adminKey, { type: 'bearer' })
    .expect(200);
  if ((list.body as Array<{ endpointId: string }>).some((e) => e.endpointId === current))
    return current;
  const created = await request(app.http)
    .post('/api/v1/sites/AMS1/webhooks')
    .auth(app.adminKey, { type: 'bearer' })
    .send({ url: `http://127.0.0.1:9/${id('victim')}` })
    .expect(201);
  return (created.body as { endpointId: string }).endpointId;
}

function keyIdOf(apiKey: string): string {
  return /^dp_(key_[0-9a-f]+)_/.exec(apiKey)![1];
}

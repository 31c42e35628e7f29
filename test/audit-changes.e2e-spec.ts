import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  payloadSha256: string;
}

const publicKey = () =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Each state change over the API leaves exactly one entry, written with the change. */
describe('audit entries of state changes', () => {
  let app: TestApp;
  const admin = () => ({ type: 'bearer' as const });

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  const entriesFor = async (objectType: string, objectId: string): Promise<Entry[]> => {
    const res = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType, objectId })
      .auth(app.adminKey, admin())
      .expect(200);
    return (res.body as { items: Entry[] }).items;
  };

  it('records issuing and revoking a key, once each, with the admin as actor', async () => {
    const issued = await request(app.http)
      .post('/api/v1/api-keys')
      .auth(app.adminKey, admin())
      .send({ role: 'auditor', label: 'audit test' })
      .expect(201);
    const keyId = issued.body.keyId as string;
    expect((await entriesFor('api-key', keyId)).map((e) => [e.action, e.actor])).toEqual([
      ['api-key.issued', 'bootstrap-admin'],
    ]);
    await request(app.http)
      .delete(`/api/v1/api-keys/${keyId}`)
      .auth(app.adminKey, admin())
      .expect(200);
    await request(app.http)
      .delete(`/api/v1/api-keys/${keyId}`)
      .auth(app.adminKey, admin())
      .expect(200);
    expect((await entriesFor('api-key', keyId)).map((e) => e.action)).toEqual([
      'api-key.issued',
      'api-key.revoked',
    ]);
  });

  it('records a site once, and nothing when the same site is posted again', async () => {
    const site = { siteId: 'AUD1', name: 'Audit Site', country: 'NL' };
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, admin())
      .send(site)
      .expect(201);
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, admin())
      .send(site)
      .expect(200);
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, admin())
      .send({ ...site, country: 'BE' })
      .expect(409);
    expect((await entriesFor('site', 'AUD1')).map((e) => e.action)).toEqual(['site.created']);
  });

  it('records a supplier created and each real update', async () => {
    const supplier = { supplierId: 'SUP-AUD', name: 'Acme', country: 'VN', publicKey: publicKey() };
    await request(app.http)
      .post('/api/v1/suppliers')
      .auth(app.adminKey, admin())
      .send(supplier)
      .expect(201);
    await request(app.http)
      .patch('/api/v1/suppliers/SUP-AUD')
      .auth(app.adminKey, admin())
      .send({ status: 'suspended' })
      .expect(200);
    await request(app.http)
      .patch('/api/v1/suppliers/SUP-AUD')
      .auth(app.adminKey, admin())
      .send({ status: 'suspended' })
      .expect(200);
    expect((await entriesFor('supplier', 'SUP-AUD')).map((e) => e.action)).toEqual([
      'supplier.created',
      'supplier.updated',
    ]);
  });

  it('refuses a public key that is not Ed25519 SPKI PEM, naming the field', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const res = await request(app.http)
      .post('/api/v1/suppliers')
      .auth(app.adminKey, admin())
      .send({ supplierId: 'SUP-RSA', name: 'Acme', country: 'VN', publicKey: rsa })
      .expect(400);
    expect(res.body.message).toMatch(/^publicKey: must be an Ed25519 public key/);
    expect(res.body.details).toEqual([{ field: 'publicKey', message: expect.any(String) }]);
  });

  it('keeps an intact chain over all of it', async () => {
    const res = await request(app.http)
      .get('/api/v1/audit/verify')
      .auth(app.adminKey, admin())
      .expect(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.entries).toBeGreaterThanOrEqual(6);
  });
});

describe('request limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  it('sends security headers', async () => {
    const res = await request(app.http).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('refuses an oversized JSON body with 413', async () => {
    const res = await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ siteId: 'BIG', name: 'x'.repeat(100_000), country: 'NL' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: expect.any(String) });
  });

  it('answers malformed JSON with a 400 in the error shape', async () => {
    const res = await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send('{"siteId": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String) });
  });

  it('limits the request rate per key', async () => {
    // Bursts well over 200 of a cheap request: a loaded machine may spread one burst over more
    // than the one-second window, so another burst follows until the limit shows.
    const statuses: number[] = [];
    for (let burst = 0; burst < 5 && !statuses.includes(429); burst++) {
      const responses = await Promise.all(
        Array.from({ length: 400 }, () =>
          request(app.http).get('/api/v1/certificates/NONE').auth(app.adminKey, { type: 'bearer' }),
        ),
      );
      statuses.push(...responses.map((r) => r.status));
    }
    expect(statuses).toContain(429);
    expect(statuses).toContain(404);
  });
});

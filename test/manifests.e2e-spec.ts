import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { withCheckDigit } from '../src/gs1/check-digit';
import { ManifestLookup } from '../src/manifests/manifest-lookup';
import { issueKey } from './support/api-keys';
import { startTestApp, TestApp, uniqueId } from './support/test-app';

const publicKey = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

const GTIN = '09506000134352';
let ssccCounter = 0;
const newSscc = () =>
  withCheckDigit(
    `1061414${String(Date.now() % 1e6).padStart(6, '0')}${String(++ssccCounter).padStart(4, '0')}`,
  );

describe('POST /api/v1/manifests', () => {
  let app: TestApp;
  let supplierA: string;
  let supplierB: string;
  const siteId = uniqueId('AMS');

  const manifest = (overrides: Record<string, unknown> = {}) => ({
    manifestId: uniqueId('MAN'),
    supplierId: 'SUP-A',
    carrierId: 'CARRIER-1',
    siteId,
    pallets: [
      {
        sscc: newSscc(),
        items: [
          { gtin: GTIN, lot: 'ABC123', serials: ['SN0001', 'SN0002'] },
          { gtin: GTIN, lot: 'ABC124', quantity: 40 },
        ],
      },
      { sscc: newSscc(), items: [{ gtin: GTIN, lot: 'ABC123', serials: ['SN0003'], quantity: 1 }] },
    ],
    ...overrides,
  });

  const post = (key: string, body: unknown) =>
    request(app.http)
      .post('/api/v1/manifests')
      .auth(key, { type: 'bearer' })
      .send(body as object);

  const fieldsOf = (body: { details: Array<{ field: string }> }) =>
    body.details.map((d) => d.field).sort();

  beforeAll(async () => {
    app = await startTestApp();
    const admin = (path: string, body: object) =>
      request(app.http).post(path).auth(app.adminKey, { type: 'bearer' }).send(body).expect(201);
    await admin('/api/v1/sites', { siteId, name: 'Amsterdam', country: 'NL' });
    for (const supplierId of ['SUP-A', 'SUP-B']) {
      await admin('/api/v1/suppliers', { supplierId, name: 'Acme', country: 'VN', publicKey });
    }
    supplierA = await issueKey(app.url, app.adminKey, { role: 'supplier', supplierId: 'SUP-A' });
    supplierB = await issueKey(app.url, app.adminKey, { role: 'supplier', supplierId: 'SUP-B' });
  });

  afterAll(() => app?.close());

  it('creates a manifest once: 201, the same again 200, a different one 409, one audit entry', async () => {
    const body = manifest();
    expect((await post(supplierA, body).expect(201)).body).toEqual(body);
    expect((await post(supplierA, body).expect(200)).body).toEqual(body);
    const changed = { ...body, carrierId: 'CARRIER-2' };
    const conflict = await post(supplierA, changed).expect(409);
    expect(conflict.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    const audit = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType: 'manifest', objectId: body.manifestId })
      .auth(app.adminKey, { type: 'bearer' })
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['manifest.created']);
  });

  it('refuses a supplier posting for another supplier with 403, and stores nothing', async () => {
    const body = manifest();
    const res = await post(supplierB, body).expect(403);
    expect(res.body.message).toBe('this key is not for supplier SUP-A');
    const rows = await app.db.query('SELECT 1 FROM manifests WHERE manifest_id = $1', [
      body.manifestId,
    ]);
    expect(rows).toEqual([]);
  });

  it('is for suppliers only: admin and compliance get 403', async () => {
    await post(app.adminKey, manifest()).expect(403);
    const compliance = await issueKey(app.url, app.adminKey, { role: 'compliance' });
    await post(compliance, manifest()).expect(403);
  });

  it('answers 422 naming an unknown site', async () => {
    const res = await post(supplierA, manifest({ siteId: 'NOWHERE' })).expect(422);
    expect(res.body).toMatchObject({
      statusCode: 422,
      message: 'siteId: site NOWHERE does not exist',
      details: [{ field: 'siteId' }],
    });
  });

  it('names each bad field in a 400', async () => {
    const sscc = newSscc();
    const badCheck = sscc.slice(0, 17) + String((Number(sscc[17]) + 1) % 10);
    const res = await post(supplierA, {
      ...manifest({ carrierId: undefined }),
      pallets: [
        { sscc: badCheck, items: [{ gtin: GTIN, lot: 'L1', quantity: 1 }] },
        { sscc, items: [{ gtin: '0950600013435', lot: 'L1' }] },
        { sscc, items: [{ gtin: GTIN, lot: 'L1', serials: ['A', 'A'], quantity: 0 }] },
        { sscc: newSscc(), items: [] },
      ],
    }).expect(400);
    expect(fieldsOf(res.body)).toEqual([
      'carrierId',
      'pallets[0].sscc',
      'pallets[1].items[0].gtin',
      'pallets[2].items[0].quantity',
      'pallets[2].items[0].serials',
      'pallets[3].items',
    ]);
    expect(res.body.message).toContain('pallets[0].sscc: has a wrong check digit');
  });

  it('asks for serials or quantity, a matching quantity, each pallet once, and a pallet', async () => {
    const sscc = newSscc();
    const item = { gtin: GTIN, lot: 'L1' };
    const res = await post(supplierA, {
      ...manifest(),
      pallets: [
        { sscc, items: [item, { ...item, serials: ['A', 'B'], quantity: 3 }] },
        { sscc: newSscc(), items: [{ ...item, quantity: 5 }] },
      ],
    }).expect(400);
    expect(res.body.details).toEqual([
      { field: 'pallets[0].items[0]', message: 'needs serials or quantity' },
      { field: 'pallets[0].items[1].quantity', message: 'must equal the number of serials' },
    ]);
    const repeated = await post(supplierA, {
      ...manifest(),
      pallets: [
        { sscc, items: [{ ...item, quantity: 5 }] },
        { sscc, items: [{ ...item, quantity: 5 }] },
      ],
    }).expect(400);
    expect(repeated.body.details).toEqual([
      { field: 'pallets[1].sscc', message: `repeats pallet ${sscc}` },
    ]);
    const none = await post(supplierA, manifest({ pallets: [] })).expect(400);
    expect(fieldsOf(none.body)).toEqual(['pallets']);
  });

  it('supports the look-ups of verification: pallet announced, unit listed', async () => {
    const lookup = app.dockproof.app.get(ManifestLookup);
    const body = manifest();
    await post(supplierA, body).expect(201);
    const [first, second] = body.pallets.map((p) => p.sscc);
    expect(await lookup.isPalletAnnounced(first, siteId)).toBe(true);
    expect(await lookup.isPalletAnnounced(first, 'RTM2')).toBe(false);
    expect(await lookup.isPalletAnnounced(newSscc(), siteId)).toBe(false);
    const unit = (sscc: string, lot: string, serial: string | null) =>
      lookup.isUnitListed({ sscc, siteId, gtin: GTIN, lot, serial });
    expect(await unit(first, 'ABC123', 'SN0001')).toBe(true);
    expect(await unit(first, 'ABC123', 'SN0003')).toBe(false);
    expect(await unit(first, 'ABC124', 'ANY-SERIAL')).toBe(true);
    expect(await unit(first, 'ABC125', null)).toBe(false);
    expect(await unit(second, 'ABC123', 'SN0003')).toBe(true);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { IpLookup } from '../src/registry/ip-lookup';
import { issueKey } from './support/api-keys';
import { startTestApp, TestApp, uniqueId } from './support/test-app';

const publicKey = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

const GTIN = '09506000134352';

const right = (overrides: Record<string, unknown> = {}) => ({
  rightId: uniqueId('TM'),
  kind: 'trademark',
  title: 'ACME word mark',
  owner: 'Acme Brands B.V.',
  registrationNumber: 'EUTM-018000001',
  jurisdictions: ['EU', 'CH'],
  gtinPrefixes: ['0950600'],
  validFrom: '2020-01-01',
  validUntil: '2030-12-31',
  ...overrides,
});

describe('IP rights and clearances', () => {
  let app: TestApp;
  let compliance: string;
  let supplier: string;
  const supplierId = uniqueId('SUP');

  beforeAll(async () => {
    app = await startTestApp();
    compliance = await issueKey(app.url, app.adminKey, { role: 'compliance' });
    supplier = await issueKey(app.url, app.adminKey, { role: 'supplier', supplierId });
    await post('/api/v1/suppliers', app.adminKey, {
      supplierId,
      name: 'Acme',
      country: 'VN',
      publicKey,
    }).expect(201);
  });

  afterAll(() => app?.close());

  const post = (path: string, key: string, body: unknown) =>
    request(app.http)
      .post(path)
      .auth(key, { type: 'bearer' })
      .send(body as object);

  const auditActions = async (objectType: string, objectId: string): Promise<string[]> => {
    const res = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType, objectId })
      .auth(app.adminKey, { type: 'bearer' })
      .expect(200);
    return (res.body as { items: Array<{ action: string }> }).items.map((e) => e.action);
  };

  const fieldsOf = (body: { details: Array<{ field: string }> }) =>
    body.details.map((d) => d.field).sort();

  describe('POST /api/v1/ip-rights', () => {
    it('creates a right once: 201, the same again 200, a different one 409, one audit entry', async () => {
      const body = right();
      const created = await post('/api/v1/ip-rights', compliance, body).expect(201);
      expect(created.body).toEqual({ ...body, jurisdictions: ['CH', 'EU'] });
      const reordered = { ...body, jurisdictions: ['CH', 'EU'] };
      await post('/api/v1/ip-rights', compliance, reordered).expect(200);
      await post('/api/v1/ip-rights', app.adminKey, body).expect(200);
      const conflict = await post('/api/v1/ip-rights', compliance, { ...body, title: 'Other' });
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(await auditActions('ip-right', body.rightId)).toEqual(['ip-right.created']);
    });

    it('names each bad field in a 400', async () => {
      const res = await post('/api/v1/ip-rights', compliance, {
        ...right({ title: undefined }),
        kind: 'patent',
        jurisdictions: ['NL', 'eu'],
        gtinPrefixes: ['095a'],
        validFrom: '2026-13-01',
        rightId: 'bad id',
      }).expect(400);
      expect(fieldsOf(res.body)).toEqual([
        'gtinPrefixes[0]',
        'jurisdictions[1]',
        'kind',
        'rightId',
        'title',
        'validFrom',
      ]);
      expect(res.body.message).toContain('jurisdictions[1]: must be an ISO 3166-1 alpha-2');
    });

    it('refuses a validity that ends before it starts, and empty lists', async () => {
      const backwards = right({ validFrom: '2030-01-01', validUntil: '2029-12-31' });
      const res = await post('/api/v1/ip-rights', compliance, backwards).expect(400);
      expect(res.body.details).toEqual([
        { field: 'validUntil', message: 'must not be before validFrom' },
      ]);
      const empty = right({ jurisdictions: [], gtinPrefixes: ['123456789012345'] });
      const res2 = await post('/api/v1/ip-rights', compliance, empty).expect(400);
      expect(fieldsOf(res2.body)).toEqual(['gtinPrefixes[0]', 'jurisdictions']);
    });

    it('is for admin and compliance only', async () => {
      await post('/api/v1/ip-rights', supplier, right()).expect(403);
    });
  });

  describe('POST /api/v1/clearances', () => {
    let rightId: string;
    const clearance = (overrides: Record<string, unknown> = {}) => ({
      clearanceId: uniqueId('CLR'),
      supplierId,
      gtin: GTIN,
      lot: 'ABC123',
      markets: ['EEA'],
      rightIds: [rightId],
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
      ...overrides,
    });

    beforeAll(async () => {
      rightId = (await post('/api/v1/ip-rights', compliance, right()).expect(201)).body.rightId;
    });

    it('creates a clearance once: 201, the same again 200, a different one 409, one audit entry', async () => {
      const body = clearance();
      expect((await post('/api/v1/clearances', compliance, body).expect(201)).body).toEqual(body);
      await post('/api/v1/clearances', compliance, body).expect(200);
      await post('/api/v1/clearances', compliance, { ...body, lot: null }).expect(409);
      await post('/api/v1/clearances', compliance, { ...body, markets: ['NL'] }).expect(409);
      expect(await auditActions('clearance', body.clearanceId)).toEqual(['clearance.created']);
    });

    it('takes lot null as every lot, but requires the lot field', async () => {
      await post('/api/v1/clearances', app.adminKey, clearance({ lot: null })).expect(201);
      const res = await post('/api/v1/clearances', compliance, clearance({ lot: undefined }));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'lot', message: 'is required' }]);
    });

    it('names each bad field in a 400', async () => {
      const res = await post('/api/v1/clearances', compliance, {
        ...clearance(),
        gtin: '09506000134353',
        markets: ['EUR'],
        rightIds: [],
        lot: 'has space',
        validUntil: 'soon',
      }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['gtin', 'lot', 'markets[0]', 'rightIds', 'validUntil']);
      expect(res.body.message).toContain('gtin: has a wrong check digit');
    });

    it('answers 422 naming an unknown supplier or unknown rights', async () => {
      const noSupplier = await post(
        '/api/v1/clearances',
        compliance,
        clearance({ supplierId: 'SUP-NONE' }),
      ).expect(422);
      expect(noSupplier.body).toMatchObject({
        statusCode: 422,
        details: [{ field: 'supplierId' }],
      });
      const noRight = await post(
        '/api/v1/clearances',
        compliance,
        clearance({ rightIds: [rightId, 'TM-NONE'] }),
      ).expect(422);
      expect(noRight.body.message).toBe('rightIds: no IP right TM-NONE');
    });
  });

  describe('look-ups for verification', () => {
    let lookup: IpLookup;
    const gtin = '04012345000016';
    let rightId: string;

    beforeAll(async () => {
      lookup = app.dockproof.app.get(IpLookup);
      const body = right({ gtinPrefixes: ['4012345', '040123'], jurisdictions: ['EU'] });
      rightId = (await post('/api/v1/ip-rights', compliance, body).expect(201)).body.rightId;
    });

    it.each([
      ['NL', gtin, '2026-06-01', true],
      ['NO', gtin, '2026-06-01', false],
      ['NL', GTIN, '2026-06-01', false],
      ['NL', gtin, '2019-12-31', false],
      ['NL', gtin, '2030-12-31', true],
      ['NL', gtin, '2031-01-01', false],
    ])('rights in %s for %s on %s: found %s', async (country, g, date, found) => {
      const rights = await lookup.rightsInForce(country, g, date);
      expect(rights.some((r) => r.rightId === rightId)).toBe(found);
    });

    it('finds a batch’s clearances, its own lot’s and the every-lot ones', async () => {
      const base = { gtin, rightIds: [rightId], markets: ['NL', 'EU'] };
      const lotOnly = { ...base, clearanceId: uniqueId('CLR'), supplierId, lot: 'L1' };
      const everyLot = { ...base, clearanceId: uniqueId('CLR'), supplierId, lot: null };
      for (const c of [lotOnly, everyLot]) {
        await post('/api/v1/clearances', compliance, {
          ...c,
          validFrom: '2026-01-01',
          validUntil: '2026-03-31',
        }).expect(201);
      }
      const found = await lookup.clearancesOf(supplierId, gtin, 'L1');
      expect(found.map((c) => c.clearanceId).sort()).toEqual(
        [lotOnly.clearanceId, everyLot.clearanceId].sort(),
      );
      expect(found[0]).toMatchObject({ markets: ['EU', 'NL'], validUntil: '2026-03-31' });
      expect(found[0].countries).toContain('NL');
      expect((await lookup.clearancesOf(supplierId, gtin, 'L2')).length).toBe(1);
      expect(await lookup.clearancesOf('SUP-OTHER', gtin, 'L1')).toEqual([]);
    });
  });
});

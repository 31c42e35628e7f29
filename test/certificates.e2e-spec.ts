import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { certificate, registerSupplier, signed, SupplierKeys } from './support/certificates';
import { scanEvent } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/src/cli/supplier.js');

type Supplier = SupplierKeys & { apiKey: string };

describe('certificates', () => {
  let app: TestApp;
  let acme: Supplier;
  let other: Supplier;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await registerSupplier(app, 'SUP-ACME');
    other = await registerSupplier(app, 'SUP-OTHER');
  });

  afterAll(() => app?.close());

  const upload = (apiKey: string, body: unknown) =>
    request(app.http)
      .post('/api/v1/certificates')
      .auth(apiKey, { type: 'bearer' })
      .send(body as object);
  const uploadText = (apiKey: string, text: string) =>
    request(app.http)
      .post('/api/v1/certificates')
      .auth(apiKey, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send(text);
  const getAs = (apiKey: string, id: string) =>
    request(app.http).get(`/api/v1/certificates/${id}`).auth(apiKey, { type: 'bearer' });
  const revokeAs = (apiKey: string, id: string, reason = 'recalled batch') =>
    request(app.http)
      .post(`/api/v1/certificates/${id}/revoke`)
      .auth(apiKey, { type: 'bearer' })
      .send({ reason });
  const auditActions = async (id: string) => {
    const res = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType: 'certificate', objectId: id })
      .auth(app.adminKey, { type: 'bearer' })
      .expect(200);
    return (res.body as { items: Array<{ action: string }> }).items.map((e) => e.action);
  };

  it('stores a signed certificate (201), answers the same one again with 200, audits once', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    const first = await upload(acme.apiKey, signed(cert, acme)).expect(201);
    expect(first.body).toMatchObject({
      certificateId: cert.certificateId,
      supplierId: 'SUP-ACME',
      gtin: '09506000134352',
      lot: 'ABC123',
      expiresOn: '2028-12-31',
      serialCount: 102,
      listsSerials: true,
      serialRanges: [{ prefix: 'SN', start: 100, end: 199, width: 4 }],
      signatureValid: true,
      revokedAt: null,
    });
    expect(first.body).not.toHaveProperty('serials');
    const again = await upload(acme.apiKey, signed(cert, acme)).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await auditActions(cert.certificateId)).toEqual(['certificate.uploaded']);
  });

  it('refuses different content under the same id with 409', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    await upload(acme.apiKey, signed(cert, acme)).expect(201);
    const changed = { ...cert, quantity: 101 };
    const res = await upload(acme.apiKey, signed(changed, acme)).expect(409);
    expect(res.body.message).toMatch(/already exists with different content/);
  });

  it('refuses a certificate changed by one character after signing with 422', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME', lot: 'LOT-A' });
    const body = signed(cert, acme);
    const res = await upload(acme.apiKey, { ...body, certificate: { ...cert, lot: 'LOT-B' } });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/signature does not verify/);
    await getAs(app.adminKey, cert.certificateId).expect(404);
  });

  it('ignores key order and whitespace of the uploaded JSON', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    const { signature } = signed(cert, acme);
    const reordered = Object.fromEntries(Object.entries(cert).reverse());
    const pretty = JSON.stringify({ signature, certificate: reordered }, null, 4);
    await uploadText(acme.apiKey, pretty).expect(201);
    await uploadText(acme.apiKey, JSON.stringify({ certificate: cert, signature })).expect(200);
  });

  it("refuses another supplier's certificate with 403, and an unknown supplier with 422", async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    const res = await upload(other.apiKey, signed(cert, other)).expect(403);
    expect(res.body.message).toMatch(/not for supplier SUP-ACME/);
    await request(app.http)
      .post('/api/v1/api-keys')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ role: 'supplier', supplierId: 'SUP-GHOST', label: 'ghost' })
      .expect(201)
      .then((r) =>
        upload(r.body.apiKey, signed(certificate({ supplierId: 'SUP-GHOST' }), acme)).expect(422),
      );
  });

  it('names each bad field with 400', async () => {
    const cert = certificate({
      supplierId: 'SUP-ACME',
      certificateId: 'bad id!',
      gtin: '09506000134353',
      lot: '',
      expiresOn: '2028-13-01',
      quantity: 0,
      serials: ['A', 'B', 'A'],
      serialRanges: [{ prefix: 'SN', start: 5, end: 1000, width: 3 }],
    });
    const res = await upload(acme.apiKey, { certificate: cert, signature: 'nope' }).expect(400);
    const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'certificate.certificateId',
        'certificate.gtin',
        'certificate.lot',
        'certificate.expiresOn',
        'certificate.quantity',
        'certificate.serials[2]',
        'certificate.serialRanges[0].width',
        'signature',
      ]),
    );
    expect(res.body.message).toMatch(/certificate\.gtin: has a wrong check digit/);
    expect(res.body.message).toMatch(/certificate\.serials\[2\]: repeats serials\[0\]/);
  });

  it('refuses more than 1,000,000 serials in total with 400', async () => {
    const cert = certificate({
      supplierId: 'SUP-ACME',
      serials: ['X1'],
      serialRanges: [{ prefix: 'SN', start: 1, end: 1_000_000, width: 7 }],
    });
    const res = await upload(acme.apiKey, signed(cert, acme)).expect(400);
    expect(res.body.message).toMatch(/certificate\.serials: .*at most 1000000 serials/);
  });

  it('shows a certificate to its supplier and to admin; another supplier gets 403', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    await upload(acme.apiKey, signed(cert, acme)).expect(201);
    await getAs(acme.apiKey, cert.certificateId).expect(200);
    await getAs(app.adminKey, cert.certificateId).expect(200);
    await getAs(other.apiKey, cert.certificateId).expect(403);
    const missing = await getAs(other.apiKey, 'CERT-NONE').expect(404);
    expect(missing.body.message).toBe('certificate CERT-NONE does not exist');
    await revokeAs(other.apiKey, cert.certificateId).expect(403);
    expect((await getAs(acme.apiKey, cert.certificateId)).body.revokedAt).toBeNull();
  });

  it('refuses a certificate for a batch another supplier already certifies with 409', async () => {
    const mine = certificate({ supplierId: 'SUP-ACME', lot: 'LOWNED' });
    await upload(acme.apiKey, signed(mine, acme)).expect(201);
    const theirs = certificate({ supplierId: 'SUP-OTHER', lot: 'LOWNED' });
    const res = await upload(other.apiKey, signed(theirs, other)).expect(409);
    expect(res.body.message).toBe(
      'GTIN 09506000134352 lot LOWNED is already certified by supplier SUP-ACME',
    );
    await getAs(app.adminKey, theirs.certificateId).expect(404);
    const reissue = certificate({ supplierId: 'SUP-ACME', lot: 'LOWNED' });
    await upload(acme.apiKey, signed(reissue, acme)).expect(201);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a quantity beyond PostgreSQL integers',
      { quantity: 3_000_000_000 },
      /quantity: must be at most/,
    ],
    ['year 0', { expiresOn: '0000-01-01' }, /expiresOn: must be in the year 1900 or later/],
    ['an empty range list', { serialRanges: [] }, /serialRanges: must hold at least one range/],
    ['issuedAt in year 0', { issuedAt: '0000-01-01T00:00:00Z' }, /issuedAt: must be between/],
  ])('answers 400 for %s, not a database error', async (_label, change, message) => {
    const cert = certificate({ supplierId: 'SUP-ACME', ...change });
    const res = await upload(acme.apiKey, signed(cert, acme)).expect(400);
    expect(res.body.message).toMatch(message);
  });

  it('answers 400 naming the path parameter for an id no certificate can have', async () => {
    const res = await getAs(acme.apiKey, 'CERT%00X').expect(400);
    expect(res.body.message).toBe('certificateId: must be 1-64 characters of A-Z a-z 0-9 . _ -');
    await revokeAs(app.adminKey, 'x'.repeat(65)).expect(400);
  });

  it('revokes once: twice answers 200 the same, with one audit entry', async () => {
    const cert = certificate({ supplierId: 'SUP-ACME' });
    await upload(acme.apiKey, signed(cert, acme)).expect(201);
    const first = await revokeAs(acme.apiKey, cert.certificateId).expect(200);
    expect(first.body).toMatchObject({
      revokedReason: 'recalled batch',
      revokedAt: expect.any(String),
    });
    const second = await revokeAs(app.adminKey, cert.certificateId, 'again').expect(200);
    expect(second.body).toEqual(first.body);
    expect(await auditActions(cert.certificateId)).toEqual([
      'certificate.uploaded',
      'certificate.revoked',
    ]);
    await revokeAs(acme.apiKey, cert.certificateId, '').expect(400);
  });

  it('round-trips through the supplier CLI: keygen, sign, upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockproof-supplier-'));
    try {
      const keygen = await run(process.execPath, [CLI, 'keygen', '--out', dir]);
      expect(keygen.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(statSync(join(dir, 'private.pem')).mode & 0o777).toBe(0o600);
      await request(app.http)
        .post('/api/v1/suppliers')
        .auth(app.adminKey, { type: 'bearer' })
        .send({ supplierId: 'SUP-CLI', name: 'CLI', country: 'VN', publicKey: keygen.stdout })
        .expect(201);
      const apiKey = (
        await request(app.http)
          .post('/api/v1/api-keys')
          .auth(app.adminKey, { type: 'bearer' })
          .send({ role: 'supplier', supplierId: 'SUP-CLI', label: 'cli' })
          .expect(201)
      ).body.apiKey as string;
      writeFileSync(
        join(dir, 'certificate.json'),
        JSON.stringify(certificate({ supplierId: 'SUP-CLI', lot: 'LCLI' })),
      );
      const signArgs = [
        'sign',
        '--key',
        join(dir, 'private.pem'),
        '--in',
        join(dir, 'certificate.json'),
      ];
      await run(process.execPath, [CLI, ...signArgs, '--out', join(dir, 'signed.json')]);
      expect(JSON.parse(readFileSync(join(dir, 'signed.json'), 'utf8'))).toHaveProperty(
        'signature',
      );
      const uploadArgs = [
        'upload',
        '--file',
        join(dir, 'signed.json'),
        '--url',
        app.url,
        '--key',
        apiKey,
      ];
      const uploaded = await run(process.execPath, [CLI, ...uploadArgs]);
      expect(uploaded.stdout).toMatch(/^201 /);
      expect((await run(process.execPath, [CLI, ...uploadArgs])).stdout).toMatch(/^200 /);
      await expect(
        run(process.execPath, [CLI, ...uploadArgs.slice(0, -1), 'dp_key_0_wrong']),
      ).rejects.toMatchObject({ code: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uploads a certificate listing 1,000,000 serials, and a scan of its last serial is verified', async () => {
    const serials = Array.from({ length: 1_000_000 }, (_, i) => `S${String(i).padStart(9, '0')}`);
    const cert = certificate({
      supplierId: 'SUP-ACME',
      lot: 'LMILLION',
      serials,
      serialRanges: undefined,
    });
    const body = JSON.stringify(signed(cert, acme));
    const started = Date.now();
    const res = await uploadText(acme.apiKey, body);
    const ms = Date.now() - started;
    console.log(
      `1,000,000 listed serials (${(body.length / 2 ** 20).toFixed(1)} MiB) uploaded in ${ms} ms`,
    );
    expect(res.status).toBe(201);
    expect(res.body.serialCount).toBe(1_000_000);
    const rows = await app.db.query(
      `SELECT certificate_id FROM certificate_serials WHERE gtin = $1 AND serial = $2`,
      ['09506000134352', 'S000999999'],
    );
    expect(rows).toEqual([{ certificate_id: cert.certificateId }]);

    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, { type: 'bearer' })
      .send({ siteId: 'AMS1', name: 'Amsterdam', country: 'NL' })
      .expect(201);
    const scanner = await app.connectScanner('AMS1', 'D1');
    try {
      const last = scanEvent({ code: '(01)09506000134352(10)LMILLION(21)S000999999' });
      const outside = scanEvent({ code: '(01)09506000134352(10)LMILLION(21)S001000000' });
      await scanner.scanUntilAnswered([last, outside]);
      expect(scanner.verdicts.get(last.eventId)).toMatchObject({ status: 'verified', reasons: [] });
      expect(scanner.verdicts.get(outside.eventId)?.reasons.map((r) => r.code)).toEqual([
        'SERIAL_NOT_CERTIFIED',
      ]);
    } finally {
      await scanner.close();
    }
  });
});

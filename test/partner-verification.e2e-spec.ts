import request from 'supertest';
import { issueKey } from './support/api-keys';
import { certificate, registerSupplier, signed, SupplierKeys } from './support/certificates';
import { scanEvent } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const G1 = '09506000134352';
const bearer = { type: 'bearer' as const };

describe('GS1 LVM verification for trading partners', () => {
  let app: TestApp;
  let acme: SupplierKeys & { apiKey: string };
  let partner: string;
  let scanner: string;

  const upload = (cert: Parameters<typeof certificate>[0]) =>
    request(app.http)
      .post('/api/v1/certificates')
      .auth(acme.apiKey, bearer)
      .send(signed(certificate(cert), acme))
      .expect(201);
  const verify = (path: string, key: string | null = partner) => {
    const test = request(app.http).get(`/api/v1/verify/${path}`);
    return key ? test.auth(key, bearer) : test;
  };
  const answer = async (path: string) => {
    const res = await verify(path).expect(200);
    return (res.body as { data: Record<string, unknown> }).data;
  };

  beforeAll(async () => {
    app = await startTestApp();
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, bearer)
      .send({ siteId: 'AMS1', name: 'Amsterdam', country: 'NL' })
      .expect(201);
    acme = await registerSupplier(app, 'SUP-A');
    partner = await issueKey(app.url, app.adminKey, { role: 'partner' });
    scanner = await app.scannerKey(['AMS1']);
    await upload({ supplierId: 'SUP-A', certificateId: 'CERT-L1', lot: 'L1' });
    await upload({
      supplierId: 'SUP-A',
      certificateId: 'CERT-L2',
      lot: 'L2',
      expiresOn: '2029-06-30',
      serials: ['B0001'],
      serialRanges: undefined,
    });
    await upload({
      supplierId: 'SUP-A',
      certificateId: 'CERT-RECALL',
      lot: 'LR',
      serials: ['R0001'],
      serialRanges: undefined,
    });
    await upload({
      supplierId: 'SUP-A',
      certificateId: 'CERT-OLD',
      lot: 'LOLD',
      manufacturedOn: '2024-01-01',
      expiresOn: '2025-01-31',
      issuedAt: '2024-01-02T08:00:00Z',
      serials: ['O0001'],
      serialRanges: undefined,
    });
  });

  afterAll(() => app?.close());

  it('answers verified, in the standard shape, for a certified GTIN, lot, serial and expiry', async () => {
    const corrUUID = '08dd5e1b-78e7-4dee-9f55-e69f5edf099b';
    const res = await verify(
      `01/${G1}/10/L1/21/SN0001?17=281231&linkType=gs1:verificationService&context=dscsaSaleableReturn&reqGLN=0614141000005&corrUUID=${corrUUID}`,
    ).expect(200);
    expect(res.body).toEqual({
      verificationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      data: { verified: true },
      corrUUID,
    });
    // A range serial, a short GTIN-13 in the link, no expiry, no lot: all still match.
    expect(await answer(`01/${G1.slice(1)}/10/L1/21/SN0150`)).toEqual({ verified: true });
    expect(await answer(`01/${G1}/21/B0001?17=290630`)).toEqual({ verified: true });
  });

  it('gives a corrUUID of its own when the request has none', async () => {
    const res = await verify(`01/${G1}/10/L1/21/SN0001`).expect(200);
    expect((res.body as { corrUUID: string }).corrUUID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['an unknown GTIN', `01/04012345000016/10/L1/21/SN0001`, 'No_match_GTIN_Serial'],
    ['a serial no certificate lists', `01/${G1}/10/L1/21/ZZ9999`, 'No_match_GTIN_Serial'],
    [
      'a serial certified in another lot',
      `01/${G1}/10/L1/21/B0001?17=290630`,
      'No_match_GTIN_Serial_Lot',
    ],
    ['a wrong expiry', `01/${G1}/10/L1/21/SN0001?17=290101`, 'No_match_GTIN_Serial_Expiry'],
    [
      'another lot and a wrong expiry',
      `01/${G1}/10/L1/21/B0001?17=281231`,
      'No_match_GTIN_Serial_Lot_Expiry',
    ],
    ['a wrong expiry without a lot', `01/${G1}/21/B0001?17=281231`, 'No_match_GTIN_Serial_Expiry'],
  ])('answers not verified for %s', async (_, path, reason) => {
    expect(await answer(path)).toEqual({ verified: false, verificationFailureReason: reason });
  });

  it('tells Expired for a certified unit whose batch has expired', async () => {
    expect(await answer(`01/${G1}/10/LOLD/21/O0001?17=250131`)).toEqual({
      verified: true,
      additionalInfo: 'Expired',
    });
  });

  it('tells Recalled, not verified, once the certificate is revoked', async () => {
    expect(await answer(`01/${G1}/10/LR/21/R0001`)).toEqual({ verified: true });
    await request(app.http)
      .post('/api/v1/certificates/CERT-RECALL/revoke')
      .auth(acme.apiKey, bearer)
      .send({ reason: 'recall of lot LR' })
      .expect(200);
    expect(await answer(`01/${G1}/10/LR/21/R0001`)).toEqual({
      verified: false,
      verificationFailureReason: 'No_reason_provided',
      additionalInfo: 'Recalled',
    });
  });

  it('tells Suspect for a unit a dock flagged, until a supervisor releases it', async () => {
    const path = `01/${G1}/10/L1/21/SN0002?17=281231`;
    expect(await answer(path)).toEqual({ verified: true });
    const scan = await request(app.http)
      .post('/api/v1/sites/AMS1/docks/D1/scans')
      .auth(scanner, bearer)
      .send(scanEvent({ code: `(01)${G1}(17)290101(10)L1(21)SN0002` }))
      .expect(200);
    const { flagId } = scan.body as { status: string; flagId: string };
    expect(scan.body).toMatchObject({ status: 'suspicious', flagId: expect.any(String) });
    expect(await answer(path)).toEqual({ verified: true, additionalInfo: 'Suspect' });

    const supervisor = await issueKey(app.url, app.adminKey, {
      role: 'supervisor',
      siteIds: ['AMS1'],
    });
    await request(app.http)
      .post(`/api/v1/flags/${flagId}/resolve`)
      .auth(supervisor, bearer)
      .send({ action: 'release', note: 'label misprint, checked by hand' })
      .expect(200);
    expect(await answer(path)).toEqual({ verified: true });
  });

  it('keeps every answer in the audit trail: who asked about which unit, and the outcome', async () => {
    await verify(`01/${G1}/10/L1/21/SN0199`).expect(200);
    await verify(`01/${G1}/10/L1/21/SN0199?17=290101`).expect(200);
    const res = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType: 'product', objectId: `01/${G1}/21/SN0199` })
      .auth(app.adminKey, bearer)
      .expect(200);
    const partnerKeyId = /^dp_(key_[0-9a-f]+)_/.exec(partner)![1];
    expect(
      (res.body as { items: Array<{ actor: string; action: string }> }).items.map((e) => [
        e.actor,
        e.action,
      ]),
    ).toEqual([
      [partnerKeyId, 'partner-verification.verified'],
      [partnerKeyId, 'partner-verification.not-verified'],
    ]);
  });

  it.each([
    ['gtin', `01/09506000134353/10/L1/21/SN0001`, /GTIN 09506000134353 has a wrong check digit/],
    ['gtin', `01/123/10/L1/21/SN0001`, /GTIN/],
    ['lot', `01/${G1}/10/${'L'.repeat(21)}/21/SN0001`, /BATCH\/LOT/],
    ['lot', `01/${G1}/10/L%201/21/SN0001`, /not allowed: a space/],
    ['serial', `01/${G1}/10/L1/21/SN%7E1`, /SERIAL/],
    ['17', `01/${G1}/10/L1/21/SN0001?17=281331`, /281331 is not a valid date/],
    ['17', `01/${G1}/10/L1/21/SN0001?17=2812`, /USE BY OR EXPIRY/],
    ['linkType', `01/${G1}/10/L1/21/SN0001?linkType=gs1:pip`, /verificationService/],
    ['reqGLN', `01/${G1}/10/L1/21/SN0001?reqGLN=0614141000006`, /check digit/],
    ['corrUUID', `01/${G1}/10/L1/21/SN0001?corrUUID=abc`, /UUID/],
  ])('refuses a bad %s with a 400 naming it: %s', async (field, path, message) => {
    const res = await verify(path).expect(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(new RegExp(`^${field}: `)),
      details: [{ field, message: expect.stringMatching(message) }],
    });
  });

  it('accepts the GS1 characters an identifier pattern would refuse, such as "/" in a lot', async () => {
    expect(await answer(`01/${G1}/10/A%2FB/21/SN0001`)).toEqual({
      verified: false,
      verificationFailureReason: 'No_match_GTIN_Serial_Lot',
    });
  });

  it('is for partner and admin keys only', async () => {
    const path = `01/${G1}/10/L1/21/SN0001`;
    await verify(path, app.adminKey).expect(200);
    await verify(path, null).expect(401);
    for (const role of ['compliance', 'auditor', 'supplier', 'supervisor', 'scanner', 'wms']) {
      const scope =
        role === 'supplier'
          ? { supplierId: 'SUP-A' }
          : role === 'compliance' || role === 'auditor'
            ? {}
            : { siteIds: ['AMS1'] };
      const key = await issueKey(app.url, app.adminKey, { role, ...scope });
      const res = await verify(path, key).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    }
  });
});

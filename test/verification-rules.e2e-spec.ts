import request from 'supertest';
import { withCheckDigit } from '../src/gs1/check-digit';
import { certificate, registerSupplier, signed, SupplierKeys } from './support/certificates';
import { issueKey } from './support/api-keys';
import { scanEvent, ScanEventBody, SimulatedScanner, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const G1 = '09506000134352';
const G2 = withCheckDigit('0950600013436');
const PALLET = '106141412345678908';
const STRAY_PALLET = withCheckDigit('10614141234567891');

let serialNo = 1000;
/** A fresh serial of the SN1000–SN1999 range of CERT-LIST, so no two tests claim the same unit. */
const nextSerial = () => `SN${serialNo++}`;

/** Every reason code of PRODUCT.md, over MQTT and PostgreSQL: the rule fires, and a legitimate unit beside it passes. */
describe('verification rules end to end', () => {
  let app: TestApp;
  let scanner: SimulatedScanner;
  let outbound: SimulatedScanner;
  let acme: SupplierKeys & { apiKey: string };
  const admin = { type: 'bearer' as const };

  const upload = async (keys: SupplierKeys & { apiKey: string }, cert: Record<string, unknown>) => {
    const body = signed(certificate(cert as { supplierId: string }), keys);
    await request(app.http)
      .post('/api/v1/certificates')
      .auth(keys.apiKey, admin)
      .send(body)
      .expect(201);
  };

  const verdictOf = async (via: SimulatedScanner, event: ScanEventBody): Promise<VerdictBody> => {
    await via.scanUntilAnswered([event], { deadlineMs: 15_000 });
    return via.verdicts.get(event.eventId)!;
  };
  const scan = (code: string, extra: Partial<ScanEventBody> = {}) =>
    verdictOf(scanner, scanEvent({ code, ...extra }));
  const codes = (v: VerdictBody) => v.reasons.map((r) => r.code);

  beforeAll(async () => {
    app = await startTestApp();
    for (const site of [
      { siteId: 'AMS1', name: 'Amsterdam', country: 'NL' },
      { siteId: 'RTM2', name: 'Rotterdam', country: 'NL' },
    ]) {
      await request(app.http)
        .post('/api/v1/sites')
        .auth(app.adminKey, admin)
        .send(site)
        .expect(201);
    }
    acme = await registerSupplier(app, 'SUP-A');
    const shady = await registerSupplier(app, 'SUP-S');
    const listed = {
      supplierId: 'SUP-A',
      serials: ['SN0001'],
      serialRanges: [{ prefix: 'SN', start: 1000, end: 1999, width: 4 }],
    };
    await upload(acme, { ...listed, certificateId: 'CERT-LIST', lot: 'LLIST' });
    await upload(acme, {
      supplierId: 'SUP-A',
      certificateId: 'CERT-QTY',
      lot: 'LQTY',
      quantity: 2,
      serials: undefined,
      serialRanges: undefined,
    });
    await upload(acme, {
      supplierId: 'SUP-A',
      certificateId: 'CERT-QTY-ARRAY',
      lot: 'LQTYA',
      quantity: 2,
      serials: undefined,
      serialRanges: undefined,
    });
    await upload(acme, { ...listed, certificateId: 'CERT-REV', lot: 'LREV' });
    await upload(acme, {
      ...listed,
      certificateId: 'CERT-EXP',
      lot: 'LEXP',
      expiresOn: '2026-01-31',
    });
    await upload(shady, {
      ...listed,
      supplierId: 'SUP-S',
      certificateId: 'CERT-SUSP',
      lot: 'LSUSP',
    });
    for (const lot of ['LIPNONE', 'LIPOK', 'LIPLAPSED']) {
      await upload(acme, { ...listed, certificateId: `CERT-${lot}`, gtin: G2, lot });
    }
    await request(app.http)
      .post('/api/v1/certificates/CERT-REV/revoke')
      .auth(acme.apiKey, admin)
      .send({ reason: 'recall' })
      .expect(200);
    await request(app.http)
      .patch('/api/v1/suppliers/SUP-S')
      .auth(app.adminKey, admin)
      .send({ status: 'suspended' })
      .expect(200);
    await request(app.http)
      .post('/api/v1/ip-rights')
      .auth(app.adminKey, admin)
      .send({
        rightId: 'TM-1',
        kind: 'trademark',
        title: 'ACME',
        owner: 'Acme Brands',
        registrationNumber: 'EUTM-1',
        jurisdictions: ['EU'],
        gtinPrefixes: [G2.slice(0, 13)],
        validFrom: '2020-01-01',
        validUntil: '2030-12-31',
      })
      .expect(201);
    const clearance = { supplierId: 'SUP-A', gtin: G2, markets: ['EU'], rightIds: ['TM-1'] };
    await request(app.http)
      .post('/api/v1/clearances')
      .auth(app.adminKey, admin)
      .send({
        ...clearance,
        clearanceId: 'CL-OK',
        lot: 'LIPOK',
        validFrom: '2026-01-01',
        validUntil: '2027-12-31',
      })
      .expect(201);
    await request(app.http)
      .post('/api/v1/clearances')
      .auth(app.adminKey, admin)
      .send({
        ...clearance,
        clearanceId: 'CL-OLD',
        lot: 'LIPLAPSED',
        validFrom: '2025-01-01',
        validUntil: '2025-12-31',
      })
      .expect(201);
    await request(app.http)
      .post('/api/v1/manifests')
      .auth(acme.apiKey, admin)
      .send({
        manifestId: 'M-1',
        supplierId: 'SUP-A',
        carrierId: 'CAR-1',
        siteId: 'AMS1',
        pallets: [
          { sscc: PALLET, items: [{ gtin: G1, lot: 'LLIST', serials: ['SN1998', 'SN1999'] }] },
        ],
      })
      .expect(201);
    scanner = await app.connectScanner('AMS1', 'D1');
    outbound = await app.connectScanner('AMS1', 'D9');
  });

  afterAll(async () => {
    await scanner?.close();
    await outbound?.close();
    await app?.close();
  });

  const legit = () => `(01)${G1}(17)281231(10)LLIST(21)${nextSerial()}`;

  it('verifies a legitimate unit', async () => {
    expect(await scan(legit())).toMatchObject({ status: 'verified', reasons: [] });
  });

  it.each<[string, () => string, Partial<ScanEventBody>?]>([
    ['INVALID_BARCODE', () => `(01)09506000134353(10)LLIST(21)${nextSerial()}`],
    ['UNKNOWN_BATCH', () => `(01)${G1}(10)NOPE(21)${nextSerial()}`],
    ['CERTIFICATE_REVOKED', () => `(01)${G1}(10)LREV(21)${nextSerial()}`],
    ['SUPPLIER_SUSPENDED', () => `(01)${G1}(10)LSUSP(21)${nextSerial()}`],
    ['SERIAL_NOT_CERTIFIED', () => `(01)${G1}(10)LLIST(21)XX9999`],
    ['EXPIRY_MISMATCH', () => `(01)${G1}(17)281130(10)LLIST(21)${nextSerial()}`],
    ['BATCH_EXPIRED', () => `(01)${G1}(10)LEXP(21)${nextSerial()}`],
    ['NO_IP_CLEARANCE', () => `(01)${G2}(10)LIPNONE(21)${nextSerial()}`],
    ['IP_CLEARANCE_EXPIRED', () => `(01)${G2}(10)LIPLAPSED(21)${nextSerial()}`],
    ['NOT_ON_MANIFEST', () => `(01)${G1}(10)LLIST(21)${nextSerial()}`, { palletSscc: PALLET }],
    ['UNEXPECTED_PALLET', () => `(00)${STRAY_PALLET}`],
    ['SCANNER_MISREAD', () => `(01)${G1}(10)llist(21)sn${serialNo++}`],
    // `extra = {}`: a default keeps the callback's arity at 2, or Jest would wait for a `done` callback.
  ])('%s fires, and not for the legitimate unit beside it', async (code, bad, extra = {}) => {
    const verdict = await scan(bad(), extra);
    expect(verdict.status).toBe('suspicious');
    expect(codes(verdict)).toEqual([code]);
    expect(verdict.reasons[0].message.length).toBeGreaterThan(10);
    expect(await scan(legit())).toMatchObject({ status: 'verified' });
  });

  it('lets a unit of a cleared batch pass where an IP right is in force', async () => {
    expect(await scan(`(01)${G2}(10)LIPOK(21)${nextSerial()}`)).toMatchObject({
      status: 'verified',
    });
  });

  it('lets a manifested unit and an announced pallet pass', async () => {
    expect(await scan(`(01)${G1}(10)LLIST(21)SN1999`, { palletSscc: PALLET })).toMatchObject({
      status: 'verified',
    });
    expect(await scan(`(00)${PALLET}`)).toMatchObject({ status: 'verified' });
  });

  it('QUANTITY_EXCEEDED fires past the certified quantity, not before', async () => {
    const verdicts = [];
    for (const serial of ['Q1', 'Q2', 'Q3'])
      verdicts.push(await scan(`(01)${G1}(10)LQTY(21)${serial}`));
    expect(verdicts.map(codes)).toEqual([[], [], ['QUANTITY_EXCEEDED']]);
  });

  it('QUANTITY_EXCEEDED counts in order of arrival within one message too', async () => {
    const events = ['A1', 'A2', 'A3'].map((serial) =>
      scanEvent({ code: `(01)${G1}(10)LQTYA(21)${serial}` }),
    );
    await scanner.scanUntilAnswered(events, { arrays: 3 });
    expect(events.map((e) => codes(scanner.verdicts.get(e.eventId)!))).toEqual([
      [],
      [],
      ['QUANTITY_EXCEEDED'],
    ]);
  });

  it("a clone leaving another site does not free the genuine unit's serial", async () => {
    const code = legit();
    expect(codes(await scan(code))).toEqual([]);
    const rtm = await app.scannerKey(['RTM2']);
    const atRtm = (direction: 'inbound' | 'outbound') =>
      request(app.http)
        .post('/api/v1/sites/RTM2/docks/D1/scans')
        .auth(rtm, admin)
        .send(scanEvent({ code, direction }))
        .expect(200);
    expect(codes((await atRtm('inbound')).body)).toEqual(['DUPLICATE_SERIAL']);
    await atRtm('outbound');
    expect(codes((await atRtm('inbound')).body)).toEqual(['DUPLICATE_SERIAL']);
  });

  it('DUPLICATE_SERIAL fires for a second unit with a serial in stock, and not after it left', async () => {
    const code = legit();
    expect(codes(await scan(code))).toEqual([]);
    const duplicate = await scan(code);
    expect(codes(duplicate)).toEqual(['DUPLICATE_SERIAL']);
    // Genuine and clone look the same: the serial is held until a supervisor decides.
    const held = await verdictOf(outbound, scanEvent({ code, direction: 'outbound' }));
    expect(held).toMatchObject({ flagId: duplicate.flagId });
    expect(codes(held)).toEqual(['ON_HOLD']);
    const supervisor = await issueKey(app.url, app.adminKey, {
      role: 'supervisor',
      siteIds: ['AMS1'],
    });
    await request(app.http)
      .post(`/api/v1/flags/${duplicate.flagId}/resolve`)
      .auth(supervisor, admin)
      .send({ action: 'release', note: 'one unit was scanned twice' })
      .expect(200);
    expect(await verdictOf(outbound, scanEvent({ code, direction: 'outbound' }))).toMatchObject({
      status: 'verified',
    });
    expect(codes(await scan(code))).toEqual([]);
  });

  it('NOT_RECEIVED fires for an outbound unit this site never received, not for one it did', async () => {
    const received = legit();
    await scan(received);
    expect(
      codes(await verdictOf(outbound, scanEvent({ code: received, direction: 'outbound' }))),
    ).toEqual([]);
    expect(
      codes(await verdictOf(outbound, scanEvent({ code: legit(), direction: 'outbound' }))),
    ).toEqual(['NOT_RECEIVED']);
  });

  it('names the certificate and supplier in plain words', async () => {
    const verdict = await scan(`(01)${G1}(10)LLIST(21)XX9998`);
    expect(verdict.reasons[0].message).toBe(
      'serial XX9998 is not in certificate CERT-LIST of supplier Supplier SUP-A',
    );
  });

  it('of the same serial scanned inbound at two sites at once on two instances, verifies one', async () => {
    // Instances of one deployment share their settings, the bootstrap admin key among them.
    const second = await startTestApp({ DOCKPROOF_ADMIN_KEY: app.adminKey }, app.db);
    try {
      const ams = await app.scannerKey(['AMS1']);
      const rtm = await second.scannerKey(['RTM2']);
      for (let round = 0; round < 5; round++) {
        const code = legit();
        const [a, b] = await Promise.all([
          request(app.http)
            .post('/api/v1/sites/AMS1/docks/D1/scans')
            .auth(ams, admin)
            .send(scanEvent({ code })),
          request(second.http)
            .post('/api/v1/sites/RTM2/docks/D1/scans')
            .auth(rtm, admin)
            .send(scanEvent({ code })),
        ]);
        expect([codes(a.body), codes(b.body)].sort()).toEqual([[], ['DUPLICATE_SERIAL']]);
      }
    } finally {
      await second.close();
    }
  });
});

import type { CertificateMatch } from '../verification/certificate-facts.repository';
import { LvmFacts, lvmAnswer, ProductIdentifier } from './lvm-decision';

const TODAY = '2027-03-01';

const match = (
  over: Partial<CertificateMatch['certificate']> = {},
  listed = true,
): CertificateMatch => ({
  certificate: {
    certificateId: 'CERT-1',
    supplierId: 'SUP-1',
    lot: 'L1',
    supplierName: 'Acme',
    supplierSuspended: false,
    revoked: false,
    expiresOn: '2028-12-31',
    quantity: null,
    listsSerials: true,
    ...over,
  },
  serialListed: listed,
});

const id = (over: Partial<ProductIdentifier> = {}): ProductIdentifier => ({
  gtin: '09506000134352',
  lot: 'L1',
  serial: 'SN1',
  expiry: '2028-12-31',
  ...over,
});

const facts = (over: Partial<LvmFacts> = {}): LvmFacts => ({
  batch: match(),
  anyLot: match(),
  heldBy: null,
  ...over,
});

describe('lvmAnswer', () => {
  it.each([
    ['a certificate of the GTIN and lot lists the serial, expiry equal', id(), facts()],
    ['no expiry asked', id({ expiry: null }), facts()],
    ['the certificate gives no expiry', id(), facts({ batch: match({ expiresOn: null }) })],
    [
      'no lot in the link: the serial is listed in some lot',
      id({ lot: null }),
      facts({ batch: null }),
    ],
  ])('verified: %s', (_, identifier, f) => {
    expect(lvmAnswer(identifier, f, TODAY)).toEqual({ verified: true });
  });

  it.each([
    [
      'the GTIN has no certificate at all',
      facts({ batch: null, anyLot: null }),
      'No_match_GTIN_Serial',
    ],
    [
      'no certificate of the GTIN lists the serial',
      facts({ batch: match({}, false), anyLot: null }),
      'No_match_GTIN_Serial',
    ],
    [
      'the certificate gives only a quantity',
      facts({ batch: match({ listsSerials: false, quantity: 10 }, false), anyLot: null }),
      'No_match_GTIN_Serial',
    ],
    [
      'the serial is certified in another lot',
      facts({ batch: null, anyLot: match({ lot: 'L2' }) }),
      'No_match_GTIN_Serial_Lot',
    ],
    [
      'the expiry differs',
      facts({ batch: match({ expiresOn: '2029-01-31' }) }),
      'No_match_GTIN_Serial_Expiry',
    ],
    [
      'another lot with another expiry',
      facts({ batch: null, anyLot: match({ lot: 'L2', expiresOn: '2029-01-31' }) }),
      'No_match_GTIN_Serial_Lot_Expiry',
    ],
    [
      'the certificate was revoked',
      facts({ batch: match({ revoked: true }) }),
      'No_reason_provided',
    ],
  ])('not verified: %s', (_, f, reason) => {
    expect(lvmAnswer(id(), f, TODAY)).toMatchObject({
      verified: false,
      verificationFailureReason: reason,
    });
  });

  it('prefers the certificate of the requested lot when the serial is listed in several', () => {
    const f = facts({ batch: match({ lot: 'L1' }), anyLot: match({ lot: 'L2' }) });
    expect(lvmAnswer(id(), f, TODAY)).toEqual({ verified: true });
  });

  it('matches a listing of the requested lot that only the any-lot look-up found', () => {
    // The batch look-up ranks an in-force certificate without the serial above a revoked one with it.
    const f = facts({
      batch: match({ certificateId: 'CERT-2' }, false),
      anyLot: match({ revoked: true }),
    });
    expect(lvmAnswer(id(), f, TODAY)).toEqual({
      verified: false,
      verificationFailureReason: 'No_reason_provided',
      additionalInfo: 'Recalled',
    });
  });

  it.each([
    [
      'Recalled: the certificate was revoked',
      facts({ batch: match({ revoked: true }) }),
      'Recalled',
    ],
    ['Suspect: an open or quarantined flag holds the unit', facts({ heldBy: 'F-1' }), 'Suspect'],
    [
      'Expired: the certificate expiry has passed',
      facts({ batch: match({ expiresOn: '2027-02-28' }) }),
      'Expired',
    ],
    [
      'Recalled before Suspect',
      facts({ batch: match({ revoked: true }), heldBy: 'F-1' }),
      'Recalled',
    ],
    [
      'Suspect before Expired',
      facts({ batch: match({ expiresOn: '2027-02-28' }), heldBy: 'F-1' }),
      'Suspect',
    ],
  ])('additionalInfo %s', (_, f, info) => {
    expect(lvmAnswer(id({ expiry: null }), f, TODAY).additionalInfo).toBe(info);
  });

  it('a suspect unit that still matches is verified, with the additional information', () => {
    expect(lvmAnswer(id(), facts({ heldBy: 'F-1' }), TODAY)).toEqual({
      verified: true,
      additionalInfo: 'Suspect',
    });
  });

  it('an expired unit that matches is verified, with the additional information', () => {
    const f = facts({ batch: match({ expiresOn: '2027-02-28' }) });
    expect(lvmAnswer(id({ expiry: '2027-02-28' }), f, TODAY)).toEqual({
      verified: true,
      additionalInfo: 'Expired',
    });
  });

  it('uses the asked expiry for Expired when the certificate gives none', () => {
    const f = facts({ batch: match({ expiresOn: null }) });
    expect(lvmAnswer(id({ expiry: '2027-02-28' }), f, TODAY).additionalInfo).toBe('Expired');
  });

  it('an expiry on the day itself has not passed', () => {
    const f = facts({ batch: match({ expiresOn: TODAY }) });
    expect(lvmAnswer(id({ expiry: null }), f, TODAY)).toEqual({ verified: true });
  });

  it('a flagged unit that matches nothing is not verified and Suspect', () => {
    expect(lvmAnswer(id(), facts({ batch: null, anyLot: null, heldBy: 'F-1' }), TODAY)).toEqual({
      verified: false,
      verificationFailureReason: 'No_match_GTIN_Serial',
      additionalInfo: 'Suspect',
    });
  });
});

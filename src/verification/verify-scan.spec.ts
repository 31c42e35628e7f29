import { parseGs1 } from '../gs1/parse-gs1';
import { CertificateFact, ScanFacts, verifyScan } from './verify-scan';

const now = new Date('2026-11-22T08:00:00Z');
const certificate: CertificateFact = {
  certificateId: 'CERT-1',
  supplierId: 'SUP-1',
  gtin: '09506000134352',
  lot: 'ABC123',
};
const none: ScanFacts = { certificates: [] };
const certified: ScanFacts = { certificates: [certificate] };

describe('verifyScan', () => {
  it.each([
    [
      'a certified unit, inbound',
      'inbound',
      '(01)09506000134352(10)ABC123(21)SN1',
      certified,
      'verified',
      [],
    ],
    [
      'an uncertified batch, inbound',
      'inbound',
      '(01)09506000134352(10)ZZZ(21)SN1',
      none,
      'suspicious',
      ['UNKNOWN_BATCH'],
    ],
    [
      'a unit without lot, no certificate holds its serial',
      'inbound',
      '(01)09506000134352(21)SN1',
      none,
      'suspicious',
      ['UNKNOWN_BATCH'],
    ],
    [
      'a wrong GTIN check digit',
      'inbound',
      '(01)09506000134353(10)ABC123',
      certified,
      'suspicious',
      ['INVALID_BARCODE'],
    ],
    ['an unparseable code', 'inbound', 'hello', none, 'suspicious', ['INVALID_BARCODE']],
    ['a pallet label', 'inbound', '(00)106141412345678908', none, 'verified', []],
    [
      'an outbound unit (outbound rules come with movements)',
      'outbound',
      '(01)09506000134352(10)ZZZ',
      none,
      'verified',
      [],
    ],
  ] as const)('%s → %s %j', (_name, direction, code, facts, status, codes) => {
    const outcome = verifyScan({ direction, barcode: parseGs1(code, now) }, facts);
    expect(outcome.status).toBe(status);
    expect(outcome.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('says in plain words what is wrong', () => {
    const outcome = verifyScan(
      { direction: 'inbound', barcode: parseGs1('(01)09506000134352(10)ZZZ', now) },
      none,
    );
    expect(outcome.reasons[0].message).toBe(
      'no supplier certificate covers GTIN 09506000134352 lot ZZZ',
    );
  });

  it('describes the scanned item', () => {
    const outcome = verifyScan(
      {
        direction: 'inbound',
        barcode: parseGs1('(01)09506000134352(17)281231(10)ABC123(21)SN1', now),
      },
      certified,
    );
    expect(outcome.item).toEqual({
      gtin: '09506000134352',
      lot: 'ABC123',
      serial: 'SN1',
      expiry: '2028-12-31',
    });
  });
});

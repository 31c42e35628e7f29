import { parseGs1 } from '../gs1/parse-gs1';
import type { InboundUnitFacts } from './unit-rules';
import { scannerRepairs } from './scanner-repairs';
import { ScanFacts, verifyScan } from './verify-scan';

const now = new Date('2026-11-22T08:00:00Z');
const today = '2026-11-22';
const certified: InboundUnitFacts = {
  certificate: {
    certificateId: 'CERT-1',
    supplierId: 'SUP-1',
    lot: 'ABC123',
    supplierName: 'Acme',
    supplierSuspended: false,
    revoked: false,
    expiresOn: null,
    quantity: null,
    listsSerials: false,
  },
  serialListed: null,
  serialsReceived: 1,
  inStockElsewhere: false,
  rightIds: [],
  clearances: [],
  palletManifest: null,
};
const unknown: InboundUnitFacts = { ...certified, certificate: null };

describe('verifyScan', () => {
  it.each<[string, 'inbound' | 'outbound', string, ScanFacts, string, string[]]>([
    [
      'a certified unit, inbound',
      'inbound',
      '(01)09506000134352(10)ABC123(21)SN1',
      { inbound: certified },
      'verified',
      [],
    ],
    [
      'an uncertified batch, inbound',
      'inbound',
      '(01)09506000134352(10)ZZZ(21)SN1',
      { inbound: unknown },
      'suspicious',
      ['UNKNOWN_BATCH'],
    ],
    [
      'a wrong GTIN check digit',
      'inbound',
      '(01)09506000134353(10)ABC123',
      {},
      'suspicious',
      ['INVALID_BARCODE'],
    ],
    ['an unparseable code', 'inbound', 'hello', {}, 'suspicious', ['INVALID_BARCODE']],
    ['a pallet label', 'inbound', '(00)106141412345678908', {}, 'verified', []],
    [
      'an outbound unit received here',
      'outbound',
      '(01)09506000134352(21)SN1',
      { receivedHere: true },
      'verified',
      [],
    ],
    [
      'an outbound unit never received here',
      'outbound',
      '(01)09506000134352(21)SN1',
      { receivedHere: false },
      'suspicious',
      ['NOT_RECEIVED'],
    ],
    [
      'an outbound unit without serial',
      'outbound',
      '(01)09506000134352(10)ZZZ',
      {},
      'verified',
      [],
    ],
  ])('%s → %s %j', (_name, direction, code, facts, status, codes) => {
    const outcome = verifyScan({ direction, barcode: parseGs1(code, now) }, facts, today);
    expect(outcome.status).toBe(status);
    expect(outcome.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('answers SCANNER_MISREAD instead of UNKNOWN_BATCH when a repaired reading is certified', () => {
    const code = '(01)09506000134352(10)abc123(21)sn0001';
    const [misread] = scannerRepairs(code, now);
    const outcome = verifyScan(
      { direction: 'inbound', barcode: parseGs1(code, now) },
      { inbound: unknown, misread },
      today,
    );
    expect(outcome.reasons.map((r) => r.code)).toEqual(['SCANNER_MISREAD']);
    expect(outcome.reasons[0].message).toMatch(/Caps Lock/);
  });

  it('keeps the reasons a misread does not explain', () => {
    const code = '(01)09506000134352(10)abc123(21)sn0001';
    const [misread] = scannerRepairs(code, now);
    const outcome = verifyScan(
      { direction: 'inbound', barcode: parseGs1(code, now) },
      { inbound: { ...unknown, inStockElsewhere: true }, misread },
      today,
    );
    expect(outcome.reasons.map((r) => r.code)).toEqual(['SCANNER_MISREAD', 'DUPLICATE_SERIAL']);
  });

  it('describes the scanned item', () => {
    const barcode = parseGs1('(01)09506000134352(17)281231(10)ABC123(21)SN1', now);
    const outcome = verifyScan({ direction: 'inbound', barcode }, { inbound: certified }, today);
    expect(outcome.item).toEqual({
      gtin: '09506000134352',
      lot: 'ABC123',
      serial: 'SN1',
      expiry: '2028-12-31',
    });
  });
});

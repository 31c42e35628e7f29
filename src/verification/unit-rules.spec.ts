import { BatchCertificate, InboundUnitFacts, inboundUnitReasons, UnitLabel } from './unit-rules';

const certificate: BatchCertificate = {
  certificateId: 'CERT-1',
  supplierId: 'SUP-1',
  lot: 'ABC123',
  supplierName: 'Acme',
  supplierSuspended: false,
  revoked: false,
  expiresOn: '2028-12-31',
  quantity: 100,
  listsSerials: true,
};
const clean: InboundUnitFacts = {
  certificate,
  serialListed: true,
  serialsReceived: 1,
  inStockElsewhere: false,
  rightIds: [],
  clearances: [],
  palletManifest: null,
};
const unit: UnitLabel = {
  gtin: '09506000134352',
  lot: 'ABC123',
  serial: 'SN0001',
  expiry: '2028-12-31',
};
const today = '2026-11-22';
const codes = (label: UnitLabel, facts: Partial<InboundUnitFacts>, date = today) =>
  inboundUnitReasons(label, { ...clean, ...facts }, date).map((r) => r.code);
const cert = (patch: Partial<BatchCertificate>) => ({ certificate: { ...certificate, ...patch } });
const cleared = { validFrom: '2026-01-01', validUntil: '2027-12-31', clearanceId: 'CL-1' };
const lapsed = { validFrom: '2025-01-01', validUntil: '2025-12-31', clearanceId: 'CL-0' };

describe('inboundUnitReasons', () => {
  it.each<[string, UnitLabel, Partial<InboundUnitFacts>, string[]]>([
    ['a unit that passes every check', unit, {}, []],
    ['no certificate for the batch', unit, { certificate: null }, ['UNKNOWN_BATCH']],
    [
      'no certificate, a serial in stock and a pallet that does not list it: every reason',
      unit,
      {
        certificate: null,
        inStockElsewhere: true,
        palletManifest: { manifestId: 'M-1', listsUnit: false },
      },
      ['UNKNOWN_BATCH', 'DUPLICATE_SERIAL', 'NOT_ON_MANIFEST'],
    ],
    ['a revoked certificate', unit, cert({ revoked: true }), ['CERTIFICATE_REVOKED']],
    ['a suspended supplier', unit, cert({ supplierSuspended: true }), ['SUPPLIER_SUSPENDED']],
    [
      'a serial the certificate does not list',
      unit,
      { serialListed: false },
      ['SERIAL_NOT_CERTIFIED'],
    ],
    [
      'a label without serial against a serial list',
      { ...unit, serial: undefined },
      { serialListed: null },
      [],
    ],
    [
      'quantity reached, not exceeded',
      unit,
      { ...cert({ listsSerials: false }), serialsReceived: 100 },
      [],
    ],
    [
      'quantity exceeded',
      unit,
      { ...cert({ listsSerials: false }), serialsReceived: 101 },
      ['QUANTITY_EXCEEDED'],
    ],
    ['quantity ignored when serials are listed', unit, { serialsReceived: 101 }, []],
    ['a label expiry that differs', { ...unit, expiry: '2028-11-30' }, {}, ['EXPIRY_MISMATCH']],
    ['a label without expiry', { ...unit, expiry: undefined }, {}, []],
    [
      'a batch that expired before the scan',
      { ...unit, expiry: '2026-11-21' },
      cert({ expiresOn: '2026-11-21' }),
      ['BATCH_EXPIRED'],
    ],
    [
      'a batch expiring on the scan day',
      { ...unit, expiry: today },
      cert({ expiresOn: today }),
      [],
    ],
    ['a serial in stock elsewhere', unit, { inStockElsewhere: true }, ['DUPLICATE_SERIAL']],
    [
      'a right in force and a clearance in force',
      unit,
      { rightIds: ['TM-1'], clearances: [cleared] },
      [],
    ],
    ['a right in force and no clearance', unit, { rightIds: ['TM-1'] }, ['NO_IP_CLEARANCE']],
    [
      'a right in force and only a lapsed clearance',
      unit,
      { rightIds: ['TM-1'], clearances: [lapsed] },
      ['IP_CLEARANCE_EXPIRED'],
    ],
    [
      'a lapsed and a current clearance',
      unit,
      { rightIds: ['TM-1'], clearances: [lapsed, cleared] },
      [],
    ],
    ['no right in force: no clearance needed', unit, { rightIds: [], clearances: [] }, []],
    [
      'a pallet manifest that lists the unit',
      unit,
      { palletManifest: { manifestId: 'M-1', listsUnit: true } },
      [],
    ],
    [
      'a pallet manifest that does not',
      unit,
      { palletManifest: { manifestId: 'M-1', listsUnit: false } },
      ['NOT_ON_MANIFEST'],
    ],
    [
      'every problem at once',
      { ...unit, expiry: '2026-01-31' },
      {
        ...cert({ revoked: true, supplierSuspended: true, expiresOn: '2026-01-31' }),
        serialListed: false,
        inStockElsewhere: true,
        rightIds: ['TM-1'],
        palletManifest: { manifestId: 'M-1', listsUnit: false },
      },
      [
        'CERTIFICATE_REVOKED',
        'SUPPLIER_SUSPENDED',
        'SERIAL_NOT_CERTIFIED',
        'BATCH_EXPIRED',
        'DUPLICATE_SERIAL',
        'NO_IP_CLEARANCE',
        'NOT_ON_MANIFEST',
      ],
    ],
  ])('%s → %j', (_name, label, facts, expected) => {
    expect(codes(label, facts)).toEqual(expected);
  });

  it('explains each reason in words a supervisor understands', () => {
    const [reason] = inboundUnitReasons(
      { ...unit, serial: 'SN9999' },
      { ...clean, serialListed: false },
      today,
    );
    expect(reason.message).toBe('serial SN9999 is not in certificate CERT-1 of supplier Acme');
  });
});

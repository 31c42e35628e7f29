import { createHash } from 'node:crypto';
import { epcisSchemaErrors, schemaSha256, UPSTREAM_SHA256 } from '../../test/epcis/epcis-schema';
import {
  EPCIS_CONTEXT,
  epcisQueryDocument,
  EpcisScanRow,
  eventIdUri,
  toObjectEvent,
} from './epcis-event';

const G1 = '09506000134352';
const SSCC = '106141412345678908';
const RECEIVED = new Date('2026-11-22T08:15:03.456Z');

const scan = (overrides: Partial<EpcisScanRow> = {}): EpcisScanRow => ({
  eventId: '7d3b6f0e-0001',
  siteId: 'AMS1',
  dockId: 'D1',
  direction: 'inbound',
  scannedAt: '2026-11-22T08:15:02.123000Z',
  receivedAt: RECEIVED,
  gtin: G1,
  lot: 'ABC123',
  serial: 'SN0001',
  sscc: null,
  status: 'verified',
  ...overrides,
});

describe('toObjectEvent', () => {
  it('maps a verified inbound unit scan to a receiving ObjectEvent of its SGTIN', () => {
    expect(toObjectEvent(scan())).toEqual({
      type: 'ObjectEvent',
      eventTime: '2026-11-22T08:15:02.123Z',
      eventTimeZoneOffset: '+00:00',
      recordTime: '2026-11-22T08:15:03.456Z',
      eventID: `ni:///sha-256;${createHash('sha256').update('7d3b6f0e-0001').digest('base64url')}`,
      epcList: [`https://id.gs1.org/01/${G1}/21/SN0001`],
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      readPoint: { id: 'urn:dockproof:site:AMS1:dock:D1' },
      bizLocation: { id: 'urn:dockproof:site:AMS1' },
    });
  });

  it.each([
    ['inbound', 'verified', 'receiving', 'in_progress'],
    ['inbound', 'suspicious', 'receiving', 'non_conformant'],
    ['outbound', 'verified', 'shipping', 'in_transit'],
    ['outbound', 'suspicious', 'shipping', 'non_conformant'],
  ] as const)('%s %s → bizStep %s, disposition %s', (direction, status, bizStep, disposition) => {
    expect(toObjectEvent(scan({ direction, status }))).toMatchObject({ bizStep, disposition });
  });

  it.each([
    ['a serialised unit', {}, { epcList: [`https://id.gs1.org/01/${G1}/21/SN0001`] }],
    [
      'a serial without a lot',
      { lot: null },
      { epcList: [`https://id.gs1.org/01/${G1}/21/SN0001`] },
    ],
    [
      'a lot without a serial, as a class',
      { serial: null },
      { quantityList: [{ epcClass: `https://id.gs1.org/01/${G1}/10/ABC123`, quantity: 1 }] },
    ],
    [
      'a bare GTIN, as a class',
      { serial: null, lot: null },
      { quantityList: [{ epcClass: `https://id.gs1.org/01/${G1}`, quantity: 1 }] },
    ],
    [
      'a pallet label, by its SSCC',
      { gtin: null, lot: null, serial: null, sscc: SSCC },
      { epcList: [`https://id.gs1.org/00/${SSCC}`] },
    ],
    [
      'serials and lots percent-encoded beyond the unreserved characters',
      { serial: 'A/B%C!\'()*+,:;=?&"<>_-.', lot: 'L 1' },
      {
        epcList: [
          `https://id.gs1.org/01/${G1}/21/A%2FB%25C%21%27%28%29%2A%2B%2C%3A%3B%3D%3F%26%22%3C%3E_-.`,
        ],
      },
    ],
  ])('identifies %s', (_label, overrides, identification) => {
    const event = toObjectEvent(scan(overrides))!;
    expect({ epcList: event.epcList, quantityList: event.quantityList }).toEqual({
      epcList: undefined,
      quantityList: undefined,
      ...identification,
    });
  });

  it('leaves out a code that names neither a GTIN nor an SSCC', () => {
    expect(toObjectEvent(scan({ gtin: null, lot: null, serial: null }))).toBeNull();
  });

  it.each([
    ['2026-11-22T08:15:02.123000Z', '2026-11-22T08:15:02.123Z'],
    ['2026-11-22T08:15:02.000000Z', '2026-11-22T08:15:02.000Z'],
    ['2026-11-22T08:15:02.123456Z', '2026-11-22T08:15:02.123456Z'],
  ])('gives scannedAt %s as eventTime %s', (scannedAt, eventTime) => {
    expect(toObjectEvent(scan({ scannedAt }))).toMatchObject({ eventTime });
  });
});

describe('eventIdUri', () => {
  it.each([
    ['7d3b6f0e-8a1c-4c1e-9d55-0f3a2b4c5d6e', 'urn:uuid:7d3b6f0e-8a1c-4c1e-9d55-0f3a2b4c5d6e'],
    // Upper case is another eventId to DockProof, so it must not name the same event.
    ['7D3B6F0E-8A1C-4C1E-9D55-0F3A2B4C5D6E', /^ni:\/\/\/sha-256;[A-Za-z0-9_-]{43}$/],
    ['7d3b6f0e-0001', /^ni:\/\/\/sha-256;[A-Za-z0-9_-]{43}$/],
  ])('%s → %s', (eventId, uri) => {
    if (typeof uri === 'string') expect(eventIdUri(eventId)).toBe(uri);
    else expect(eventIdUri(eventId)).toMatch(uri);
  });

  it('names distinct eventIds distinctly and the same eventId alike', () => {
    expect(eventIdUri('scan-1')).toBe(eventIdUri('scan-1'));
    expect(eventIdUri('scan-1')).not.toBe(eventIdUri('scan-2'));
    expect(eventIdUri('7d3b6f0e-8a1c-4c1e-9d55-0f3a2b4c5d6e')).not.toBe(
      eventIdUri('7D3B6F0E-8A1C-4C1E-9D55-0F3A2B4C5D6E'),
    );
  });
});

describe('epcisQueryDocument', () => {
  const variants: Array<Partial<EpcisScanRow>> = [
    {},
    { direction: 'outbound' },
    { status: 'suspicious', eventId: '7d3b6f0e-8a1c-4c1e-9d55-0f3a2b4c5d6e' },
    { serial: null },
    { serial: null, lot: null },
    { gtin: null, lot: null, serial: null, sscc: SSCC },
    { serial: 'A/B%C!\'()*+,:;=?&"<>_-.' },
    { scannedAt: '2026-11-22T08:15:02.123456Z' },
  ];

  it('is a query document of its events, in order', () => {
    const events = variants.map((v) => toObjectEvent(scan(v))!);
    expect(epcisQueryDocument(events, RECEIVED)).toEqual({
      '@context': EPCIS_CONTEXT,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: '2026-11-22T08:15:03.456Z',
      epcisBody: {
        queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: events } },
      },
    });
  });

  it('validates against the EPCIS 2.0 JSON schema, with every kind of event', () => {
    const events = variants.map((v) => toObjectEvent(scan(v))!);
    expect(epcisSchemaErrors(epcisQueryDocument(events, RECEIVED))).toEqual([]);
    expect(epcisSchemaErrors(epcisQueryDocument([], RECEIVED))).toEqual([]);
  });

  it('is checked by the schema it should be (a broken event fails)', () => {
    expect(schemaSha256()).toBe(UPSTREAM_SHA256);
    const broken = { ...toObjectEvent(scan())!, eventTimeZoneOffset: 'Z' };
    expect(epcisSchemaErrors(epcisQueryDocument([broken as never], RECEIVED))).toContainEqual(
      expect.stringMatching(/eventTimeZoneOffset: must match pattern/),
    );
  });
});

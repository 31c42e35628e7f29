import { decodeScanMessage, MAX_MESSAGE_BYTES } from './decode-scan-message';

const topic = 'p/sites/AMS1/docks/D1/scans';
const event = {
  eventId: 'e-1',
  scannerId: 'SCN-7',
  scannedAt: '2026-11-22T08:15:02.123Z',
  direction: 'inbound',
  code: '(01)09506000134352(10)ABC123',
};
const decode = (body: unknown, t = topic) =>
  decodeScanMessage(t, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), 'p/');
const reasonOf = (body: unknown, t = topic) => {
  const [entry] = decode(body, t).entries;
  return entry.kind === 'rejected' ? entry.reason : 'accepted';
};

describe('decodeScanMessage', () => {
  it('reads one scan event and the dock from the topic', () => {
    expect(decode(event)).toEqual({
      dock: { siteId: 'AMS1', dockId: 'D1' },
      isArray: false,
      entries: [{ kind: 'scan', event }],
    });
  });

  it('reads an array in order, rejecting only its bad elements', () => {
    const decoded = decode([event, { ...event, eventId: 'e-2', direction: 'sideways' }]);
    expect(decoded.isArray).toBe(true);
    expect(decoded.entries.map((e) => e.kind)).toEqual(['scan', 'rejected']);
    expect(decoded.entries[1]).toMatchObject({
      eventId: 'e-2',
      reason: '[1].direction: must be "inbound" or "outbound"',
    });
  });

  it('ignores fields it does not know, including prototype keys', () => {
    const decoded = decode(
      `{"__proto__":{"polluted":1},"extra":1,${JSON.stringify(event).slice(1)}`,
    );
    expect(decoded.entries[0]).toEqual({ kind: 'scan', event });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', 'payload is not valid JSON'],
    ['an empty array', [], 'payload is an empty array'],
    ['a number', 7, 'payload Invalid input: expected object, received number'],
    ['a missing eventId', { ...event, eventId: undefined }, 'eventId: is required'],
    [
      'a NUL in the code',
      { ...event, code: 'abc\u0000' },
      'code: must not contain control characters other than GS (U+001D)',
    ],
    [
      'a bad pallet SSCC check digit',
      { ...event, palletSscc: '106141412345678909' },
      'palletSscc: has a wrong check digit',
    ],
    [
      'a date without zone',
      { ...event, scannedAt: '2026-11-22T08:15:02' },
      'scannedAt: must be an ISO 8601 date-time with a zone',
    ],
    [
      'a bad scanner id',
      { ...event, scannerId: 'a b' },
      'scannerId: must be 1-64 characters of A-Z a-z 0-9 . _ -',
    ],
  ])('rejects %s with a reason naming the problem', (_name, body, reason) => {
    expect(reasonOf(body)).toBe(reason);
  });

  it('rejects, rather than throws on, arrays nested deeper than validation can follow', () => {
    const depth = 20_000;
    const payload = '['.repeat(depth) + ']'.repeat(depth);
    expect(decode(payload)).toMatchObject({
      dock: { siteId: 'AMS1', dockId: 'D1' },
      isArray: false,
      entries: [
        { kind: 'rejected', reason: 'payload could not be decoded: it is nested too deeply' },
      ],
    });
  });

  it('keeps no eventId that PostgreSQL could not store or a scanner could not have sent', () => {
    const [entry] = decode({ ...event, eventId: 'e\u00001', direction: 'sideways' }).entries;
    expect(entry).toMatchObject({ kind: 'rejected', eventId: null });
  });

  it('rejects a topic whose ids are not identifiers', () => {
    expect(reasonOf(event, 'p/sites/A M S/docks/D1/scans')).toMatch(
      /is not sites\/\{siteId\}\/docks\/\{dockId\}\/scans/,
    );
  });

  it('rejects an oversized payload by its size without parsing it', () => {
    const decoded = decodeScanMessage(topic, Buffer.from('{'), 'p/', MAX_MESSAGE_BYTES + 1);
    expect(decoded.entries[0]).toMatchObject({ kind: 'rejected', rawBytes: MAX_MESSAGE_BYTES + 1 });
    expect(reasonOf('x'.repeat(MAX_MESSAGE_BYTES + 1))).toMatch(/over the limit of 1048576/);
  });

  it('keeps the eventId of an event that fails the schema', () => {
    const [entry] = decode({ eventId: 'keep-me' }).entries;
    expect(entry).toMatchObject({ kind: 'rejected', eventId: 'keep-me' });
  });
});

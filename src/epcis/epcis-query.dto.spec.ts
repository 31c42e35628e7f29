import { encodePageToken, epcisEventsQuerySchema } from './epcis-query.dto';

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parse = (query: Record<string, string>) => epcisEventsQuerySchema.safeParse(query);

describe('epcisEventsQuerySchema', () => {
  it('reads a page token back as the key it was made of', () => {
    const key = { scannedAt: '2026-11-22T08:15:02.123456Z', eventId: 'scan-1' };
    const result = parse({ siteId: 'AMS1', nextPageToken: encodePageToken(key) });
    expect(result).toMatchObject({ success: true, data: { siteId: 'AMS1', nextPageToken: key } });
  });

  it.each([
    ['not base64url JSON', 'not a token!'],
    ['base64url of text', Buffer.from('hello').toString('base64url')],
    ['a bare object', token({ scannedAt: '2026-11-22T08:15:02.123456Z', eventId: 'e' })],
    ['milliseconds only', token(['2026-11-22T08:15:02.123Z', 'e'])],
    ['an offset', token(['2026-11-22T08:15:02.123456+01:00', 'e'])],
    ['no such day', token(['2026-02-30T08:15:02.123456Z', 'e'])],
    ['before 1900', token(['0000-01-01T00:00:00.000000Z', 'e'])],
    ['an empty eventId', token(['2026-11-22T08:15:02.123456Z', ''])],
    ['an eventId with a space', token(['2026-11-22T08:15:02.123456Z', 'a b'])],
    ['an eventId too long', token(['2026-11-22T08:15:02.123456Z', 'e'.repeat(129)])],
    ['a number for an eventId', token(['2026-11-22T08:15:02.123456Z', 7])],
  ])('refuses a token that is %s', (_label, nextPageToken) => {
    const result = parse({ siteId: 'AMS1', nextPageToken });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['nextPageToken'],
        message: 'must be the nextPageToken of a previous page (from its Link header)',
      }),
    ]);
  });

  it.each([
    [{}, 'siteId'],
    [{ siteId: 'AMS 1' }, 'siteId'],
    [{ siteId: 'AMS1', from: '2026-11-22' }, 'from'],
    [{ siteId: 'AMS1', to: '2026-11-22T08:00:00' }, 'to'],
    [{ siteId: 'AMS1', from: '2026-11-23T00:00:00Z', to: '2026-11-22T00:00:00Z' }, 'to'],
    [{ siteId: 'AMS1', perPage: '0' }, 'perPage'],
    [{ siteId: 'AMS1', perPage: '1001' }, 'perPage'],
    [{ siteId: 'AMS1', perPage: '2.5' }, 'perPage'],
  ])('refuses %j, naming %s', (query, field) => {
    const result = parse(query as Record<string, string>);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it('refuses query parameters it does not implement', () => {
    expect(parse({ siteId: 'AMS1', GE_eventTime: '2026-11-22T00:00:00Z' }).success).toBe(false);
  });

  it('takes perPage and a from/to window', () => {
    expect(
      parse({
        siteId: 'AMS1',
        from: '2026-11-22T00:00:00+01:00',
        to: '2026-11-23T00:00:00Z',
        perPage: '1000',
      }),
    ).toMatchObject({
      success: true,
      data: { from: '2026-11-22T00:00:00+01:00', to: '2026-11-23T00:00:00Z', perPage: 1000 },
    });
  });
});

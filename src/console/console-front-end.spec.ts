import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type * as Api from './public/api.js';
import type * as EventStream from './public/event-stream.js';
import type * as View from './public/view.js';
import type { FlagSummary, KpiRow, KpisView } from './public/view.js';

/**
 * A served ES module run here as CommonJS: the very file the browser loads, without a build step
 * between the two (Jest's transform covers only .ts). Its imports are its siblings.
 */
function loadBrowserModule<T>(file: string): T {
  const source = readFileSync(join(__dirname, 'public', file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as T };
  const sibling = (path: string) => loadBrowserModule(path.replace(/^\.\//, ''));
  new Function('module', 'exports', 'require', outputText)(module, module.exports, sibling);
  return module.exports;
}

const view = loadBrowserModule<typeof View>('view.js');
const { parseEventStream } = loadBrowserModule<typeof EventStream>('event-stream.js');
const { followFlags } = loadBrowserModule<typeof Api>('api.js');

const NOW = Date.parse('2026-11-22T10:00:00Z');
const unknownBatch = { code: 'UNKNOWN_BATCH', message: 'no certificate for GTIN … lot NOCERT' };
const duplicate = { code: 'DUPLICATE_SERIAL', message: 'serial SN0001 is already in stock' };

function flag(overrides: Partial<FlagSummary> = {}): FlagSummary {
  return {
    flagId: 'F-1',
    siteId: 'AMS1',
    palletSscc: '106141412345678908',
    status: 'open',
    openedAt: '2026-11-22T09:48:00Z',
    updatedAt: '2026-11-22T09:48:00Z',
    resolvedAt: null,
    resolvedBy: null,
    note: null,
    items: [
      {
        gtin: '09506000134352',
        lot: 'NOCERT',
        serial: 'SN0001',
        reasons: [unknownBatch],
        addedAt: '2026-11-22T09:48:00Z',
      },
    ],
    ...overrides,
  };
}

describe('console view logic', () => {
  it.each([
    ['2026-11-22T10:00:00Z', 'just now'],
    ['2026-11-22T09:59:01Z', 'just now'],
    ['2026-11-22T10:05:00Z', 'just now'], // a tablet clock behind the server's
    ['2026-11-22T09:59:00Z', '1 min'],
    ['2026-11-22T09:01:00Z', '59 min'],
    ['2026-11-22T09:00:00Z', '1 h'],
    ['2026-11-22T07:55:30Z', '2 h 4 min'],
    ['2026-11-21T10:00:00Z', '1 d'],
    ['2026-11-19T07:00:00Z', '3 d 3 h'],
    ['not a date', 'just now'],
  ])('formats the age of a flag opened at %s as %s', (openedAt, age) => {
    expect(view.formatAge(openedAt, NOW)).toBe(age);
  });

  it('says an age as a phrase', () => {
    expect(view.formatAgo('2026-11-22T09:58:00Z', NOW)).toBe('2 min ago');
    expect(view.formatAgo('2026-11-22T09:59:30Z', NOW)).toBe('just now');
  });

  it.each([
    ['UNKNOWN_BATCH', 'No certificate for this batch'],
    ['DUPLICATE_SERIAL', 'Serial already in stock: possible clone'],
    ['SCANNER_MISREAD', 'Probably a scanner set-up fault'],
    ['SOME_FUTURE_CODE', 'Some future code'],
    ['constructor', 'Constructor'],
  ])('says reason %s in plain words', (code, text) => {
    expect(view.reasonText(code)).toBe(text);
  });

  it.each([
    [
      { gtin: '09506000134352', lot: 'L1', serial: 'SN1' },
      'GTIN 09506000134352 · lot L1 · serial SN1',
    ],
    [{ gtin: '09506000134352' }, 'GTIN 09506000134352'],
    [{ sscc: '106141412345678908' }, 'Pallet label 106141412345678908'],
    [{ code: '(01)123' }, 'Unreadable code (01)123'],
    [{}, 'Unknown unit'],
  ])('names unit %j as %s', (item, text) => {
    expect(view.unitText(item)).toBe(text);
  });

  it('titles a flag by its pallet, else by its only unit, else by its id', () => {
    expect(view.flagTitle(flag())).toBe('Pallet 106141412345678908');
    expect(view.flagTitle(flag({ palletSscc: null }))).toBe(
      'GTIN 09506000134352 · lot NOCERT · serial SN0001',
    );
    const twoUnits = flag({ palletSscc: null, items: [...flag().items, ...flag().items] });
    expect(view.flagTitle(twoUnits)).toBe('Flag F-1');
  });

  it('renders a queue entry with its distinct reasons, unit count and age', () => {
    const items = [
      flag().items[0],
      { serial: 'SN0002', reasons: [unknownBatch, duplicate], addedAt: '2026-11-22T09:50:00Z' },
    ];
    expect(view.queueEntry(flag({ items }), NOW)).toEqual({
      title: 'Pallet 106141412345678908',
      site: 'AMS1',
      reasons: 'No certificate for this batch, Serial already in stock: possible clone',
      details: '2 units · open 12 min',
    });
    expect(view.queueEntry(flag(), NOW).details).toBe('1 unit · open 12 min');
  });

  it('sorts the queue oldest first, ties by flag id, without changing its input', () => {
    const input = [
      flag({ flagId: 'F-3', openedAt: '2026-11-22T09:00:00Z' }),
      flag({ flagId: 'F-2', openedAt: '2026-11-22T08:00:00Z' }),
      flag({ flagId: 'F-1', openedAt: '2026-11-22T09:00:00Z' }),
    ];
    expect(view.sortQueue(input).map((f) => f.flagId)).toEqual(['F-2', 'F-1', 'F-3']);
    expect(input.map((f) => f.flagId)).toEqual(['F-3', 'F-2', 'F-1']);
  });

  describe('a flag event from the stream', () => {
    const older = flag({ flagId: 'F-0', openedAt: '2026-11-22T08:00:00Z' });

    it('adds a new open flag in its place', () => {
      const { queue, change } = view.applyFlagEvent([flag()], older);
      expect(change).toBe('opened');
      expect(queue.map((f) => f.flagId)).toEqual(['F-0', 'F-1']);
    });

    it('replaces a flag that grew', () => {
      const grown = flag({
        items: [...flag().items, { serial: 'SN9', reasons: [duplicate], addedAt: '' }],
      });
      const { queue, change } = view.applyFlagEvent([older, flag()], grown);
      expect(change).toBe('grew');
      expect(queue).toEqual([older, grown]);
    });

    it('replaces a flag that changed otherwise, once', () => {
      const { queue, change } = view.applyFlagEvent([flag()], flag({ updatedAt: NOW.toString() }));
      expect(change).toBe('updated');
      expect(queue).toHaveLength(1);
    });

    it.each(['released', 'quarantined'] as const)('removes a flag once %s', (status) => {
      const { queue, change } = view.applyFlagEvent([older, flag()], flag({ status }));
      expect(change).toBe('resolved');
      expect(queue).toEqual([older]);
    });

    it('ignores a resolved flag the queue never had', () => {
      expect(view.applyFlagEvent([older], flag({ status: 'released' }))).toEqual({
        queue: [older],
        change: 'none',
      });
    });
  });

  it.each([
    [
      'opened',
      flag(),
      'New flag at AMS1: Pallet 106141412345678908. No certificate for this batch.',
    ],
    [
      'grew',
      flag({ items: [...flag().items, ...flag().items] }),
      'Pallet 106141412345678908 at AMS1 now has 2 flagged units.',
    ],
    [
      'resolved',
      flag({ status: 'quarantined', resolvedBy: 'key_0a' }),
      'Pallet 106141412345678908 at AMS1 was quarantined by key_0a.',
    ],
    ['updated', flag(), null],
  ] as const)('announces a change %s', (change, subject, text) => {
    expect(view.announcement(change, subject)).toBe(text);
  });

  it.each([
    ['dp_key_0123abcd_c2VjcmV0_with_underscores', 'key_0123abcd'],
    ['dp_admin_c2VjcmV0', null],
    ['anything', null],
  ])('reads the key id of %s', (apiKey, keyId) => {
    expect(view.keyIdOf(apiKey)).toBe(keyId);
  });
});

describe('KPI view logic', () => {
  function kpiRow(overrides: Partial<KpiRow> = {}): KpiRow {
    return {
      siteId: 'AMS1',
      supplierId: null,
      flags: 4,
      open: 2,
      released: 1,
      quarantined: 1,
      quarantineRate: 0.5,
      falseFlagRate: 0.5,
      timeToDetectSeconds: { p50: 0.02, p95: 3.4 },
      timeToResolveSeconds: { p50: 252, p95: 7500 },
      ...overrides,
    };
  }

  it.each([
    [0.5, '50%'],
    [1, '100%'],
    [0, '0%'],
    [1 / 3, '33%'],
    [0.045, '4.5%'],
    [0.0999, '10%'],
    [0.0004, '< 0.1%'],
    [null, '—'],
  ])('formats the rate %p as %s', (rate, text) => {
    expect(view.formatRate(rate)).toBe(text);
  });

  it.each([
    [0.012, '< 1 s'],
    [-2, '< 1 s'], // a scanner clock ahead of the server's
    [1, '1 s'],
    [59.4, '59 s'],
    [59.6, '1 min'],
    [252, '4 min 12 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
    [3 * 86_400 + 4 * 3600 + 59, '3 d 4 h'],
    [null, '—'],
  ])('formats %p seconds as %s', (seconds, text) => {
    expect(view.formatDuration(seconds)).toBe(text);
  });

  it('gives median and 95th percentile in one cell, or a dash when neither is known', () => {
    expect(view.formatSpread({ p50: 252, p95: 7500 })).toBe('4 min 12 s / 2 h 5 min');
    expect(view.formatSpread({ p50: null, p95: null })).toBe('—');
  });

  it('formats a row: counts, rates, times; dashes where nothing was resolved yet', () => {
    expect(view.kpiCells(kpiRow())).toEqual([
      '2',
      '1',
      '1',
      '50%',
      '50%',
      '< 1 s / 3 s',
      '4 min 12 s / 2 h 5 min',
    ]);
    const unresolved = kpiRow({
      released: 0,
      quarantined: 0,
      quarantineRate: null,
      falseFlagRate: null,
      timeToResolveSeconds: { p50: null, p95: null },
    });
    expect(view.kpiCells(unresolved).slice(3)).toEqual(['—', '—', '< 1 s / 3 s', '—']);
  });

  it('tables by site (with all sites when several), supplier, and both', () => {
    const figures = (sites: string[]): KpisView => ({
      from: '2026-10-23T10:00:00.000Z',
      to: '2026-11-22T10:00:00.000Z',
      total: kpiRow({ siteId: null }),
      bySite: sites.map((siteId) => kpiRow({ siteId })),
      bySupplier: [kpiRow({ siteId: null, supplierId: 'SUP-A' }), kpiRow({ siteId: null })],
      bySiteAndSupplier: [kpiRow({ supplierId: 'SUP-A' })],
    });
    const [bySite, bySupplier, both] = view.kpiTables(figures(['AMS1', 'BRU1']));
    expect(bySite.caption).toBe('KPIs by site');
    expect(bySite.headings).toEqual([
      'Site',
      'Open',
      'Released',
      'Quarantined',
      'Quarantine rate',
      'False-flag rate',
      'Time to detect (median / 95th percentile)',
      'Time to resolve (median / 95th percentile)',
    ]);
    expect(bySite.rows.map((r) => r[0])).toEqual(['AMS1', 'BRU1', 'All sites']);
    expect(bySupplier.rows.map((r) => r[0])).toEqual(['SUP-A', 'No certificate']);
    expect(both.headings.slice(0, 3)).toEqual(['Site', 'Supplier', 'Open']);
    expect(both.rows).toEqual([['AMS1', 'SUP-A', ...view.kpiCells(kpiRow())]]);
    // One site: its row is the sum already.
    expect(view.kpiTables(figures(['AMS1']))[0].rows.map((r) => r[0])).toEqual(['AMS1']);
  });

  it('asks for the days chosen, both included, in the local time of the tablet', () => {
    const from = new Date(2026, 10, 1).toISOString();
    const to = new Date(2026, 10, 16).toISOString();
    expect(view.kpiQuery('2026-11-01', '2026-11-15')).toEqual({
      query: `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      error: null,
    });
    expect(view.kpiQuery('2026-11-01', '')).toEqual({
      query: `?from=${encodeURIComponent(from)}`,
      error: null,
    });
    expect(view.kpiQuery('', '2026-11-15').query).toBe(`?to=${encodeURIComponent(to)}`);
    // One day is a window too.
    expect(view.kpiQuery('2026-11-15', '2026-11-15').error).toBeNull();
  });

  it('leaves the window to the API when no day is chosen, and names a bad one', () => {
    expect(view.kpiQuery('', '')).toEqual({ query: '', error: null });
    expect(view.kpiQuery('2026-11-16', '2026-11-15')).toEqual({
      query: null,
      error: 'The first day must not be after the last.',
    });
    expect(view.kpiQuery('16/11/2026', '').error).toBe('Enter the days as year, month and day.');
  });
});

describe('event stream parser', () => {
  /** Feeds the chunks as fetch would deliver them and collects every event. */
  function feed(chunks: string[]): { events: EventStream.StreamEvent[]; rest: string } {
    let rest = '';
    const events: EventStream.StreamEvent[] = [];
    for (const chunk of chunks) {
      const parsed = parseEventStream(rest + chunk);
      events.push(...parsed.events);
      rest = parsed.rest;
    }
    return { events, rest };
  }

  it('reads named events and skips keep-alive comments', () => {
    expect(feed([': keep-alive\n\nevent: flag\ndata: {"flagId":"F-1"}\n\n'])).toEqual({
      events: [{ event: 'flag', data: '{"flagId":"F-1"}' }],
      rest: '',
    });
  });

  it('joins events split anywhere across chunks, CRLF breaks included', () => {
    const stream = 'event: flag\r\ndata: {"a":1}\r\n\r\ndata: plain\r\n\r\nevent: fl';
    const whole = feed([stream]);
    for (let i = 1; i < stream.length; i++) {
      expect(feed([stream.slice(0, i), stream.slice(i)])).toEqual(whole);
    }
    expect(whole).toEqual({
      events: [
        { event: 'flag', data: '{"a":1}' },
        { event: 'message', data: 'plain' },
      ],
      rest: 'event: fl',
    });
  });

  it('joins multi-line data and drops events without data', () => {
    expect(feed(['data: one\ndata:two\n\nevent: empty\n\nid: 7\ndata\n\n']).events).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'message', data: '' },
    ]);
  });
});

describe('following the flag stream', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** Answers each fetch of the stream with the next response; the test ends the run itself. */
  function serve(responses: Array<() => Response>): string[] {
    const requests: string[] = [];
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      requests.push(`${String(input)} ${headers.get('authorization')}`);
      const next = responses.shift();
      if (!next) throw new Error('no more responses');
      return Promise.resolve(next());
    };
    return requests;
  }
  const sse = (body: string) => () =>
    new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const flagEvent = (flagId: string) =>
    `event: flag\ndata: ${JSON.stringify(flag({ flagId }))}\n\n`;

  it('catches up on each connection, reconnects after a drop, and stops when told', async () => {
    const stop = new AbortController();
    const log: string[] = [];
    const requests = serve([sse(`: hello\n\n${flagEvent('F-1')}`), sse(flagEvent('F-2'))]);
    await followFlags('dp_key_01_secret', {
      signal: stop.signal,
      onConnect: () => Promise.resolve(void log.push('catch up')),
      onFlag: (f) => {
        log.push(`flag ${f.flagId}`);
        if (f.flagId === 'F-2') stop.abort();
      },
      onStatus: (live) => log.push(live ? 'live' : 'down'),
      onUnauthorized: () => log.push('unauthorized'),
    });
    expect(log).toEqual(['live', 'catch up', 'flag F-1', 'down', 'live', 'catch up', 'flag F-2']);
    expect(requests).toEqual([
      '/api/v1/flags/stream Bearer dp_key_01_secret',
      '/api/v1/flags/stream Bearer dp_key_01_secret',
    ]);
  });

  it('gives up at once on a key that is no longer accepted', async () => {
    const log: string[] = [];
    serve([() => new Response('{}', { status: 401 })]);
    await followFlags('dp_key_01_secret', {
      signal: new AbortController().signal,
      onConnect: () => Promise.resolve(void log.push('catch up')),
      onFlag: () => log.push('flag'),
      onStatus: (live) => log.push(live ? 'live' : 'down'),
      onUnauthorized: () => log.push('unauthorized'),
    });
    expect(log).toEqual(['unauthorized']);
  });
});

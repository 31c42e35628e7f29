import {
  addMonths,
  monthsToPrepare,
  partitionMonth,
  partitionsPastRetention,
} from './partition-months';

const at = (iso: string) => new Date(iso);

describe('monthsToPrepare', () => {
  it.each([
    ['2026-11-22T08:15:02Z', '2026-11-01', '2027-01-01'],
    ['2026-12-31T23:59:59.999Z', '2026-12-01', '2027-02-01'],
    // UTC months: local midnight elsewhere does not move the boundary.
    ['2027-01-01T00:00:00Z', '2027-01-01', '2027-03-01'],
  ])('at %s: from %s through %s', (now, first, last) => {
    const months = monthsToPrepare(at(now));
    expect(months.first.toISOString().slice(0, 10)).toBe(first);
    expect(months.last.toISOString().slice(0, 10)).toBe(last);
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-11-01', 1, '2026-12-01'],
    ['2026-11-01', 2, '2027-01-01'],
    ['2026-01-01', -1, '2025-12-01'],
    ['2024-02-01', 12, '2025-02-01'],
  ])('%s + %d months is %s', (month, n, expected) => {
    expect(
      addMonths(at(`${month}T00:00:00Z`), n)
        .toISOString()
        .slice(0, 10),
    ).toBe(expected);
  });
});

describe('partitionMonth', () => {
  it.each([
    ['scans', 'scans_y2026m11', '2026-11-01'],
    ['rejected_messages', 'rejected_messages_y2025m01', '2025-01-01'],
    ['scans', 'scans_default', null],
    ['scans', 'rejected_messages_y2026m11', null],
    ['scans', 'old_scans_y2026m11', null],
    ['scans', 'scans_y2026m13', null],
    ['scans', 'scans_y2026m00', null],
    ['scans', 'scans_y2026m1', null],
  ])('%s: %s holds %s', (parent, name, expected) => {
    expect(partitionMonth(parent, name)?.toISOString().slice(0, 10) ?? null).toBe(expected);
  });
});

describe('partitionsPastRetention', () => {
  const partitions = [
    'scans_default',
    'scans_y2026m12',
    'scans_y2026m09',
    'scans_y2026m10',
    'scans_y2026m11',
    'scans_y2027m01',
  ];

  it.each<[string, number | undefined, string[]]>([
    // October ended 2026-11-01; 30 days later is 2026-12-01.
    ['2026-12-01T00:00:00Z', 30, ['scans_y2026m09', 'scans_y2026m10']],
    ['2026-11-30T23:59:59.999Z', 30, ['scans_y2026m09']],
    ['2026-12-02T10:00:00Z', 1, ['scans_y2026m09', 'scans_y2026m10', 'scans_y2026m11']],
    // The current month is never past retention, however short.
    ['2026-12-31T23:59:59Z', 1, ['scans_y2026m09', 'scans_y2026m10', 'scans_y2026m11']],
    ['2026-12-02T10:00:00Z', 3650, []],
    // Unset: kept for ever.
    ['2030-01-01T00:00:00Z', undefined, []],
  ])('at %s with %s days: %j', (now, days, expected) => {
    expect(partitionsPastRetention('scans', partitions, at(now), days)).toEqual(expected);
  });

  it('never names the DEFAULT partition or another table', () => {
    expect(
      partitionsPastRetention(
        'scans',
        ['scans_default', 'rejected_messages_y2000m01', 'scans_archive'],
        at('2030-01-01T00:00:00Z'),
        1,
      ),
    ).toEqual([]);
  });
});

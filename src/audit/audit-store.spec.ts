import type { AuditEntry } from './audit-entry';
import { entryHash, GENESIS, payloadHash, ZERO_HASH } from './audit-hash';
import { FetchPage, verifyStoredChain } from './audit-store';

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = ZERO_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const fields = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, seq)),
      actor: 'system',
      action: 'flag.opened',
      objectType: 'flag',
      objectId: `F-${seq}`,
      payloadSha256: payloadHash({ seq }),
    };
    const hash = entryHash(prevHash, fields);
    entries.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

/** A table in memory, answering pages the way PAGE_SQL does, and counting the reads. */
function table(entries: AuditEntry[]): { fetch: FetchPage; limits: number[] } {
  const limits: number[] = [];
  const fetch: FetchPage = async (after, through, limit) => {
    limits.push(limit);
    return entries.filter((e) => e.seq > after && e.seq <= through).slice(0, limit);
  };
  return { fetch, limits };
}

const headOf = (entries: AuditEntry[]) => entries[entries.length - 1] ?? GENESIS;

describe('verifyStoredChain', () => {
  it.each([
    [0, 4, 1],
    [7, 4, 2],
    [8, 4, 3],
    [12, 5000, 1],
  ])('verifies %d entries in pages of %d with %d reads', async (length, pageSize, reads) => {
    const entries = chain(length);
    const { fetch, limits } = table(entries);
    await expect(verifyStoredChain(headOf(entries), fetch, pageSize)).resolves.toEqual({
      ok: true,
      entries: length,
    });
    expect(limits).toEqual(Array(reads).fill(pageSize));
  });

  it('reports the first bad entry across pages and still counts every entry', async () => {
    const entries = chain(10).map((e) => (e.seq === 6 ? { ...e, actor: 'mallory' } : e));
    const result = await verifyStoredChain(headOf(entries), table(entries).fetch, 4);
    expect(result).toEqual({ ok: false, entries: 10, firstBadEntry: 6 });
  });

  it('reports a broken link at a page boundary', async () => {
    const entries = chain(9).filter((e) => e.seq !== 5);
    const result = await verifyStoredChain(headOf(chain(9)), table(entries).fetch, 4);
    expect(result).toEqual({ ok: false, entries: 8, firstBadEntry: 6 });
  });

  it('reports a lost tail through the head', async () => {
    const entries = chain(6);
    const result = await verifyStoredChain(entries[5], table(entries.slice(0, 4)).fetch, 4);
    expect(result).toEqual({ ok: false, entries: 4, firstBadEntry: 5 });
  });

  it('ignores entries past the head (appended while verifying)', async () => {
    const entries = chain(6);
    const result = await verifyStoredChain(entries[3], table(entries).fetch, 4);
    expect(result).toEqual({ ok: true, entries: 4 });
  });
});

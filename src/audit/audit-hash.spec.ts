import type { AuditEntry } from './audit-entry';
import {
  canonicalJson,
  checkHead,
  entryHash,
  GENESIS,
  payloadHash,
  sha256Hex,
  verifyChain,
  ZERO_HASH,
} from './audit-hash';

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = ZERO_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const fields = {
      seq,
      at: new Date(Date.UTC(2026, 10, 22, 8, 15, seq, 123)),
      actor: seq % 2 ? 'key-admin' : 'system',
      action: 'supplier.updated',
      objectType: 'supplier',
      objectId: `SUP-${seq}`,
      payloadSha256: payloadHash({ status: 'suspended', seq }),
    };
    const hash = entryHash(prevHash, fields);
    entries.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    [
      'sorts nested keys',
      { z: { y: 1, x: [{ d: 1, c: 2 }] } },
      '{"z":{"x":[{"c":2,"d":1}],"y":1}}',
    ],
    [
      'sorts by UTF-16 code units',
      { é: 1, z: 2, A: 3, '10': 4, '9': 5 },
      '{"10":4,"9":5,"A":3,"z":2,"é":1}',
    ],
    ['drops undefined members', { a: undefined, b: null }, '{"b":null}'],
    ['writes undefined array items as null', [undefined, () => 1], '[null,null]'],
    ['writes numbers as ECMAScript does', [1e21, 0.1, -0, 1.5e-7, 100], '[1e+21,0.1,0,1.5e-7,100]'],
    ['escapes strings as JSON', ['a"b\\c\n\u0001'], '["a\\"b\\\\c\\n\\u0001"]'],
    [
      'honours toJSON',
      { at: new Date('2026-11-22T08:15:02.123Z') },
      '{"at":"2026-11-22T08:15:02.123Z"}',
    ],
    [
      'keeps repeated non-cyclic objects',
      (() => {
        const o = { a: 1 };
        return [o, o];
      })(),
      '[{"a":1},{"a":1}]',
    ],
    ['writes scalars', 'x', '"x"'],
    ['writes null', null, 'null'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['NaN', NaN],
    ['Infinity', { a: Infinity }],
    ['a bigint', [1n]],
    ['undefined at the top', undefined],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(
      canonicalJson({ b: { d: 3, c: 2 }, a: 1 }),
    );
  });
});

describe('payloadHash', () => {
  it('is the SHA-256 of the canonical JSON', () => {
    expect(payloadHash({ b: 1, a: 2 })).toBe(sha256Hex('{"a":2,"b":1}'));
    expect(payloadHash({ b: 1, a: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes an absent payload as null', () => {
    expect(payloadHash(undefined)).toBe(sha256Hex('null'));
  });

  it('knows the SHA-256 of "{}"', () => {
    expect(payloadHash({})).toBe(
      '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });
});

describe('entryHash', () => {
  const [entry] = chain(1);

  it.each<[string, Partial<AuditEntry>]>([
    ['seq', { seq: 2 }],
    ['at', { at: new Date(entry.at.getTime() + 1) }],
    ['actor', { actor: 'key-other' }],
    ['action', { action: 'supplier.created' }],
    ['objectType', { objectType: 'site' }],
    ['objectId', { objectId: 'SUP-9' }],
    ['payloadSha256', { payloadSha256: payloadHash({}) }],
  ])('changes with %s', (_field, change) => {
    expect(entryHash(entry.prevHash, { ...entry, ...change })).not.toBe(entry.hash);
  });

  it('changes with prevHash', () => {
    expect(entryHash('f'.repeat(64), entry)).not.toBe(entry.hash);
  });

  it('cannot be fooled by moving text between fields', () => {
    const a = { ...entry, actor: 'ab', action: 'c' };
    const b = { ...entry, actor: 'a', action: 'bc' };
    expect(entryHash(ZERO_HASH, a)).not.toBe(entryHash(ZERO_HASH, b));
  });
});

describe('verifyChain', () => {
  it.each([0, 1, 5])('accepts an intact chain of %d entries', (length) => {
    expect(verifyChain(chain(length))).toEqual({ ok: true, entries: length });
  });

  it('continues from a given link', () => {
    const entries = chain(6);
    expect(verifyChain(entries.slice(3), entries[2])).toEqual({ ok: true, entries: 3 });
    expect(verifyChain(entries.slice(3), GENESIS)).toMatchObject({ ok: false, firstBadEntry: 4 });
  });

  const tampered: Array<[string, (entries: AuditEntry[]) => AuditEntry[], number]> = [
    ['a changed actor', (e) => e.map((x) => (x.seq === 3 ? { ...x, actor: 'mallory' } : x)), 3],
    ['a changed time', (e) => e.map((x) => (x.seq === 2 ? { ...x, at: new Date(0) } : x)), 2],
    [
      'a changed payload hash',
      (e) => e.map((x) => (x.seq === 5 ? { ...x, payloadSha256: payloadHash(1) } : x)),
      5,
    ],
    ['a changed hash', (e) => e.map((x) => (x.seq === 1 ? { ...x, hash: 'a'.repeat(64) } : x)), 1],
    ['a changed seq', (e) => e.map((x) => (x.seq === 4 ? { ...x, seq: 40 } : x)), 40],
    ['a removed entry', (e) => e.filter((x) => x.seq !== 3), 4],
    ['a removed first entry', (e) => e.slice(1), 2],
    ['two swapped entries', (e) => [e[0], e[2], e[1], e[3], e[4]], 3],
    ['a duplicated entry', (e) => [e[0], e[1], e[1], e[2], e[3], e[4]], 2],
    [
      'a changed entry with its own hash recomputed',
      (e) => e.map((x) => (x.seq === 2 ? rehash({ ...x, objectId: 'SUP-X' }) : x)),
      3,
    ],
  ];

  it.each(tampered)('detects %s', (_name, tamper, firstBadEntry) => {
    const entries = tamper(chain(5));
    expect(verifyChain(entries)).toEqual({ ok: false, entries: entries.length, firstBadEntry });
  });
});

describe('checkHead', () => {
  const h = (seq: number, c = 'a') => ({ seq, hash: c.repeat(64) });

  it.each([
    ['a chain that ends at the head', h(5), h(5), undefined],
    ['an empty chain at the genesis head', GENESIS, GENESIS, undefined],
    ['a lost tail', h(3), h(5), 4],
    ['a lost whole chain', GENESIS, h(2), 1],
    ['entries beyond the head', h(6), h(5), 6],
    ['a head with another hash', h(5, 'a'), h(5, 'b'), 5],
  ])('%s', (_name, last, head, expected) => {
    expect(checkHead(last, head)).toBe(expected);
  });
});

function rehash(entry: AuditEntry): AuditEntry {
  return { ...entry, hash: entryHash(entry.prevHash, entry) };
}

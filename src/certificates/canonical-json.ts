/**
 * RFC 8785 (JSON Canonicalization Scheme) of a value parsed from JSON: object members sorted by
 * the UTF-16 code units of their names, no whitespace, numbers in ECMAScript's shortest
 * round-trip form and strings escaped as JSON.stringify does, which is what RFC 8785 prescribes.
 * Non-finite numbers, lone surrogates and values JSON cannot carry are refused.
 *
 * Written here because the `canonicalize` package is ESM-only and cannot load under CommonJS.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON representation`);
      return JSON.stringify(value);
    case 'string':
      return canonicalString(value);
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value);
    default:
      throw new TypeError(`a ${typeof value} has no JSON representation`);
  }
}

const LONE_SURROGATE = /\p{Cs}/u;

function canonicalString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('a string holds a lone surrogate');
  return JSON.stringify(value);
}

function canonicalArray(items: unknown[]): string {
  // A list of a million serials: one JSON.stringify writes strings exactly as canonicalString does.
  if (items.every((item) => typeof item === 'string' && !LONE_SURROGATE.test(item)))
    return JSON.stringify(items);
  return `[${items.map(canonicalJson).join(',')}]`;
}

function canonicalObject(value: object): string {
  const record = value as Record<string, unknown>;
  // Array.prototype.sort compares UTF-16 code units, the order RFC 8785 asks for.
  const members = Object.keys(record)
    .filter((name) => record[name] !== undefined)
    .sort()
    .map((name) => `${canonicalString(name)}:${canonicalJson(record[name])}`);
  return `{${members.join(',')}}`;
}

import { createHash } from 'node:crypto';
import type { AuditEntry, ChainVerification } from './audit-entry';

export const ZERO_HASH = '0'.repeat(64);

/** Where a chain continues from: seq 0 and 64 zeros before the first entry. */
export interface ChainLink {
  seq: number;
  hash: string;
}

export const GENESIS: ChainLink = { seq: 0, hash: ZERO_HASH };

export type HashedFields = Pick<
  AuditEntry,
  'seq' | 'at' | 'actor' | 'action' | 'objectType' | 'objectId' | 'payloadSha256'
>;

/** Bumped if the hashed fields or their order ever change, so old and new entries never collide. */
const ENTRY_HASH_VERSION = 'dockproof-audit-v1';

/**
 * Canonical JSON in the spirit of RFC 8785: object keys sorted by UTF-16 code units at every
 * depth, no whitespace, ECMAScript number and string forms (`toJSON` honoured, as JSON.stringify
 * does). Non-finite numbers, bigints, cycles and a top-level value with no JSON form are refused.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, []);
  if (text === undefined) throw new TypeError(`${typeof value} has no JSON representation`);
  return text;
}

function serialize(input: unknown, ancestors: object[]): string | undefined {
  const value = withToJson(input);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON representation`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('a bigint has no JSON representation');
    case 'object':
      return serializeContainer(value, ancestors);
    default:
      return undefined;
  }
}

function withToJson(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
  return typeof value === 'object' && typeof toJSON === 'function' ? toJSON.call(value) : value;
}

function serializeContainer(value: object, ancestors: object[]): string {
  if (ancestors.includes(value))
    throw new TypeError('a cyclic structure has no JSON representation');
  const inner = [...ancestors, value];
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => serialize(item, inner) ?? 'null').join(',')}]`;
  }
  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const text = serialize((value as Record<string, unknown>)[key], inner);
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
    });
  return `{${members.join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hex SHA-256 of the payload's canonical JSON; an absent payload hashes as `null`. */
export function payloadHash(payload: unknown): string {
  return sha256Hex(canonicalJson(payload ?? null));
}

/**
 * Hex SHA-256 of the canonical JSON array, in this fixed order:
 * [version, prevHash, seq (decimal string), at (ISO 8601, UTC, milliseconds), actor, action,
 *  objectType, objectId, payloadSha256]. An array of strings leaves no room for ambiguous joins.
 */
export function entryHash(prevHash: string, fields: HashedFields): string {
  return sha256Hex(
    canonicalJson([
      ENTRY_HASH_VERSION,
      prevHash,
      String(fields.seq),
      fields.at.toISOString(),
      fields.actor,
      fields.action,
      fields.objectType,
      fields.objectId,
      fields.payloadSha256,
    ]),
  );
}

/** Whether `entry` is the one that follows `prev`: next seq, linked to its hash, own hash intact. */
export function linksTo(prev: ChainLink, entry: AuditEntry): boolean {
  return (
    entry.seq === prev.seq + 1 &&
    entry.prevHash === prev.hash &&
    entry.hash === entryHash(entry.prevHash, entry)
  );
}

/**
 * Recomputes every hash and checks each entry links to the one before (to `from` for the first).
 * `entries` counts every entry given; `firstBadEntry` is the seq of the first that fails.
 */
export function verifyChain(entries: AuditEntry[], from: ChainLink = GENESIS): ChainVerification {
  let prev = from;
  for (const entry of entries) {
    if (!linksTo(prev, entry))
      return { ok: false, entries: entries.length, firstBadEntry: entry.seq };
    prev = entry;
  }
  return { ok: true, entries: entries.length };
}

/**
 * The chain head records the last entry appended; a chain that ends elsewhere lost its tail
 * (or gained entries that bypassed the head). Returns the first bad seq, or undefined.
 */
export function checkHead(last: ChainLink, head: ChainLink): number | undefined {
  if (last.seq !== head.seq) return Math.min(last.seq, head.seq) + 1;
  return last.hash === head.hash ? undefined : head.seq;
}

import { DIGITAL_LINK_KEYS, lookupAi } from './application-identifiers';
import {
  Gs1AisResult,
  Gs1Element,
  checkScanLength,
  collectAis,
  describeAi,
  normaliseGtin,
} from './element';
import { attempt, fail } from './gs1-error';

const SCHEME_AND_HOST = /^https?:\/\/[^/?#]*/i;
const NUMERIC = /^\d+$/;
const NOT_A_DIGITAL_LINK =
  'The link is not a GS1 Digital Link: no GTIN, SSCC or other GS1 key in it';

/** True for http(s) URIs and bare paths, the shapes a GS1 Digital Link can take. */
export function isDigitalLink(text: string): boolean {
  return SCHEME_AND_HOST.test(text) || text.startsWith('/');
}

/**
 * Parses a GS1 Digital Link URI on any host, with any path before the primary
 * key: `https://id.gs1.org/01/09506000134352/10/ABC123?17=281231`.
 */
export function parseDigitalLink(uri: string, now: Date): Gs1AisResult {
  return attempt(() => {
    checkScanLength(uri);
    return { ais: collectAis(readDigitalLink(uri.trim()), now) };
  });
}

export function readDigitalLink(uri: string): Gs1Element[] {
  const rest = uri.replace(SCHEME_AND_HOST, '');
  const withoutFragment = rest.split('#')[0];
  const queryStart = withoutFragment.indexOf('?');
  if (queryStart === -1) return readPath(withoutFragment);
  const query = withoutFragment.slice(queryStart + 1);
  return [...readPath(withoutFragment.slice(0, queryStart)), ...readQuery(query)];
}

function readPath(path: string): Gs1Element[] {
  const segments = path.split('/').slice(1).map(decode);
  if (segments.at(-1) === '') segments.pop();
  const keyIndex = primaryKeyIndex(segments);
  const elements: Gs1Element[] = [];
  for (let i = keyIndex; i < segments.length; i += 2) {
    elements.push(element(segments[i], segments[i + 1]));
  }
  checkQualifiers(elements);
  return elements;
}

// The path ends with key/value, then qualifier/value pairs; anything before is the site's own prefix.
function primaryKeyIndex(segments: readonly string[]): number {
  let i = segments.length - 2;
  while (i >= 0 && lookupAi(segments[i]) !== undefined && !DIGITAL_LINK_KEYS.has(segments[i])) {
    i -= 2;
  }
  if (i < 0 || !DIGITAL_LINK_KEYS.has(segments[i])) fail(NOT_A_DIGITAL_LINK);
  return i;
}

function checkQualifiers([key, ...qualifiers]: readonly Gs1Element[]): void {
  const allowed = DIGITAL_LINK_KEYS.get(key.ai) ?? [];
  for (const { ai } of qualifiers) {
    const spec = lookupAi(ai);
    if (spec !== undefined && !allowed.includes(ai)) {
      fail(`${describeAi(spec)} belongs in the query of the link, not in its path`);
    }
  }
}

function readQuery(query: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  for (const parameter of query.split('&')) {
    const separator = parameter.indexOf('=');
    const key = decodeQueryPart(separator === -1 ? parameter : parameter.slice(0, separator));
    // Other parameters (linkType, tracking tags, ...) are not GS1 data.
    if (!NUMERIC.test(key)) continue;
    const value = separator === -1 ? '' : decodeQueryPart(parameter.slice(separator + 1));
    elements.push(element(key, value));
  }
  return elements;
}

// The URI syntax lets a GTIN be written in its short forms; element strings always carry 14 digits.
function element(ai: string, value: string): Gs1Element {
  const isGtin = ai === '01' || ai === '02';
  return { ai, value: isGtin ? (normaliseGtin(value) ?? value) : value };
}

// As in HTML forms, "+" in a query means a space; a literal "+" arrives as %2B.
function decodeQueryPart(part: string): string {
  return decode(part.replaceAll('+', ' '));
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail('The link contains a badly encoded character');
  }
}

import { AiSpec, aiLengthForPrefix, lookupAi } from './application-identifiers';
import { Gs1AisResult, Gs1Element, checkScanLength, collectAis } from './element';
import { attempt, fail } from './gs1-error';

/** ASCII 29, which scanners send for FNC1. */
export const GS = '\u001d';

const SYMBOLOGY_ID = /^\][A-Za-z]\d/;
// GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR Code, GS1 DotCode: symbols that always carry AIs.
const GS1_SYMBOLOGY_IDS: ReadonlySet<string> = new Set([']C1', ']e0', ']d2', ']Q3', ']J1']);
const LEADING_GS = /^\u001d+/;
const BRACKETED_AI = /^\((\d{2,4})\)/;

/**
 * Parses GS1 element strings, bracketed `(01)...(10)...` or raw as a scanner
 * sends them (optional symbology identifier, GS after variable-length fields).
 */
export function parseElementString(code: string, now: Date): Gs1AisResult {
  return attempt(() => {
    checkScanLength(code);
    return { ais: collectAis(readElementString(stripScannerPrefix(code.trim())), now) };
  });
}

/** Drops a symbology identifier such as `]d2` and a leading FNC1 (sent as GS). */
export function stripScannerPrefix(scan: string): string {
  return scan.replace(SYMBOLOGY_ID, '').replace(LEADING_GS, '');
}

/** True when the symbology identifier or a leading FNC1 says the data is GS1 element strings. */
export function declaresAiData(scan: string): boolean {
  return GS1_SYMBOLOGY_IDS.has(scan.slice(0, 3)) || scan.replace(SYMBOLOGY_ID, '').startsWith(GS);
}

export function readElementString(text: string): Gs1Element[] {
  if (text === '') fail('The scan is empty');
  return text.startsWith('(') ? readBracketed(text) : readRaw(text);
}

function readRaw(text: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  let pos = skipSeparators(text, 0);
  while (pos < text.length) {
    const spec = rawAiAt(text, pos);
    const valueStart = pos + spec.ai.length;
    const valueEnd = rawValueEnd(text, valueStart, spec);
    elements.push({ ai: spec.ai, value: text.slice(valueStart, valueEnd) });
    pos = skipSeparators(text, valueEnd);
  }
  return elements;
}

function rawAiAt(text: string, pos: number): AiSpec {
  const prefix = text.slice(pos, pos + 2);
  if (!/^\d\d$/.test(prefix)) {
    fail(`The scan is not GS1 data: expected an application identifier at character ${pos + 1}`);
  }
  const length = aiLengthForPrefix(prefix);
  if (length === undefined) fail(`Unknown application identifier starting with ${prefix}`);
  const ai = text.slice(pos, pos + length);
  return lookupAi(ai) ?? fail(`Unknown application identifier (${ai})`);
}

// Fixed-length values end after their length even without a GS; a GS inside one means it was cut short.
function rawValueEnd(text: string, start: number, spec: AiSpec): number {
  const separator = text.indexOf(GS, start);
  const end = separator === -1 ? text.length : separator;
  return spec.fixedLength === undefined ? end : Math.min(end, start + spec.fixedLength);
}

function skipSeparators(text: string, pos: number): number {
  while (text[pos] === GS) pos++;
  return pos;
}

function readBracketed(text: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ai = bracketedAiAt(text, pos);
    if (ai === undefined) fail(`The bracketed code is malformed at character ${pos + 1}`);
    const valueStart = pos + ai.length + 2;
    const valueEnd = nextBracketedAi(text, valueStart);
    elements.push({ ai, value: unescapeBracketed(text.slice(valueStart, valueEnd)) });
    pos = valueEnd;
  }
  return elements;
}

function bracketedAiAt(text: string, pos: number): string | undefined {
  return BRACKETED_AI.exec(text.slice(pos, pos + 6))?.[1];
}

// "(" is a valid data character, so only "(digits)" starts a new AI, and "\(" is always data.
function nextBracketedAi(text: string, from: number): number {
  for (let i = text.indexOf('(', from); i !== -1; i = text.indexOf('(', i + 1)) {
    if (text[i - 1] !== '\\' && bracketedAiAt(text, i) !== undefined) return i;
  }
  return text.length;
}

// Spaces cannot occur in GS1 data, so spaces around a value come from a person typing.
function unescapeBracketed(value: string): string {
  return value.replaceAll('\\(', '(').trim();
}

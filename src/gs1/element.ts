import { AiComponent, AiSpec, firstDisallowedChar, lookupAi } from './application-identifiers';
import { gs1CheckDigit, hasValidCheckDigit } from './check-digit';
import { parseGs1Date } from './gs1-date';
import { Gs1Outcome, fail } from './gs1-error';

export interface Gs1Element {
  ai: string;
  value: string;
}

export type Gs1AisResult = Gs1Outcome<{ ais: Record<string, string> }>;

/** Scanners never produce more; refusing early keeps hostile input cheap. */
export const MAX_SCAN_LENGTH = 512;

const GTIN_LENGTHS = [8, 12, 13, 14];
const DIGITS = /^\d+$/;

// Messages name the key the way dock staff know it rather than by AI title.
const CHECK_DIGIT_LABEL: Readonly<Record<string, string>> = {
  '00': 'SSCC',
  '01': 'GTIN',
  '02': 'GTIN',
  '8006': 'GTIN',
  '8026': 'GTIN',
};

/** GTIN-8, -12, -13 or -14 digits as a GTIN-14, or null if it is none of those. */
export function normaliseGtin(digits: string): string | null {
  if (!DIGITS.test(digits) || !GTIN_LENGTHS.includes(digits.length)) return null;
  return digits.padStart(14, '0');
}

export function checkScanLength(text: string): void {
  if (text.length > MAX_SCAN_LENGTH) {
    fail(`The scan is too long to be a GS1 code (over ${MAX_SCAN_LENGTH} characters)`);
  }
}

export function describeAi(spec: AiSpec): string {
  return `(${spec.ai}) ${spec.name}`;
}

/** Validates every element and gathers them by AI; a repeated AI must repeat its value. */
export function collectAis(elements: readonly Gs1Element[], now: Date): Record<string, string> {
  const ais: Record<string, string> = {};
  for (const { ai, value } of elements) {
    const spec = validateElement(ai, value, now);
    const previous: string | undefined = ais[ai];
    if (previous !== undefined && previous !== value) {
      fail(`${describeAi(spec)} appears twice with different values`);
    }
    ais[ai] = value;
  }
  return ais;
}

export function validateElement(ai: string, value: string, now: Date): AiSpec {
  const spec = lookupAi(ai) ?? fail(`Unknown application identifier (${ai})`);
  checkLength(spec, value);
  for (const [component, part] of splitComponents(spec, value)) {
    checkComponent(spec, component, part, now);
  }
  return spec;
}

function checkLength(spec: AiSpec, value: string): void {
  const what = describeAi(spec);
  const unit = spec.numeric ? 'digits' : 'characters';
  if (value === '') fail(`${what} has no value`);
  if (spec.fixedLength !== undefined && value.length !== spec.fixedLength) {
    fail(`${what} must be ${spec.fixedLength} ${unit} long, not ${value.length}`);
  }
  if (value.length > spec.maxLength) {
    fail(`${what} is longer than the ${spec.maxLength} ${unit} allowed`);
  }
  if (value.length < spec.minLength) {
    fail(`${what} must be at least ${spec.minLength} ${unit} long`);
  }
}

function splitComponents(spec: AiSpec, value: string): Array<[AiComponent, string]> {
  const parts: Array<[AiComponent, string]> = [];
  let rest = value;
  for (const component of spec.components) {
    if (rest === '' && component.optional) break;
    const part = rest.slice(0, component.maxLength);
    if (part.length < component.minLength) fail(`${describeAi(spec)} has the wrong length`);
    parts.push([component, part]);
    rest = rest.slice(part.length);
  }
  return parts;
}

function checkComponent(spec: AiSpec, component: AiComponent, part: string, now: Date): void {
  const bad = firstDisallowedChar(component.charset, part);
  if (bad !== undefined) {
    fail(
      spec.numeric
        ? `${describeAi(spec)} must contain digits only`
        : `${describeAi(spec)} contains a character that is not allowed: ${showChar(bad)}`,
    );
  }
  if (component.checks.includes('csum')) checkDigit(spec, part);
  if (component.checks.includes('yymmd0') && parseGs1Date(part, now) === null) {
    fail(`${describeAi(spec)} ${part} is not a valid date`);
  }
}

function checkDigit(spec: AiSpec, digits: string): void {
  if (hasValidCheckDigit(digits)) return;
  const label = CHECK_DIGIT_LABEL[spec.ai] ?? describeAi(spec);
  const expected = gs1CheckDigit(digits.slice(0, -1));
  fail(`${label} ${digits} has a wrong check digit (expected ${expected})`);
}

function showChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (/^[!-~]$/.test(ch)) return `"${ch}"`;
  const code = ch.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

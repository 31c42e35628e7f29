import { GS } from '../gs1/element-string';
import { Gs1Unit, parseGs1 } from '../gs1/parse-gs1';
import type { Reason } from './verdict';

/** A reading of the code as it would have been with the scanner set up right. */
export interface RepairedReading {
  unit: Gs1Unit;
  /** The scanner setting that most likely caused the misread, in a supervisor's words. */
  setting: string;
}

const DROPPED_GS =
  'the scanner drops the GS (FNC1) separator after variable-length fields: configure it to send FNC1 as ASCII 29';
const SWAPPED_YZ =
  "the scanner's keyboard layout swaps Y and Z (QWERTZ vs QWERTY): set its keyboard emulation to the host's layout";
const CAPS_LOCK =
  "letter case is inverted (Caps Lock on at the scanner's host): turn Caps Lock off or make the scanner ignore it";

// Where a swallowed AI can start inside a variable-length value: lot, serial, expiry and other dates.
const EMBEDDED_AI = /^(10|21|17|11|13|15|16)/;

/**
 * Scanner set-up faults, not counterfeits, cause most "unknown pack" alerts (EU FMD experience).
 * Pure: every other reading of `code` that one known fault would explain.
 */
export function scannerRepairs(code: string, now: Date): RepairedReading[] {
  const original = parseGs1(code, now);
  const readings = [
    ...missingSeparatorCandidates(code).map((c) => ({ code: c, setting: DROPPED_GS })),
    { code: code.replace(/[yzYZ]/g, (ch) => SWAP_YZ[ch]), setting: SWAPPED_YZ },
    { code: invertCase(code), setting: CAPS_LOCK },
  ];
  const seen = new Set<string>([original.ok ? key(original as Gs1Unit) : '']);
  const repairs: RepairedReading[] = [];
  for (const reading of readings) {
    if (reading.code === code) continue;
    const parsed = parseGs1(reading.code, now);
    if (!parsed.ok || parsed.kind !== 'unit' || seen.has(key(parsed))) continue;
    seen.add(key(parsed));
    repairs.push({ unit: parsed, setting: reading.setting });
  }
  return repairs;
}

export function misreadReason(repair: RepairedReading): Reason {
  const { gtin, lot, serial } = repair.unit;
  const reading = `GTIN ${gtin}${lot ? ` lot ${lot}` : ''}${serial ? ` serial ${serial}` : ''}`;
  return {
    code: 'SCANNER_MISREAD',
    message: `probably a scanner set-up fault, not a counterfeit: read right, the code is ${reading}, which is certified; ${repair.setting}`,
  };
}

const SWAP_YZ: Record<string, string> = { y: 'z', z: 'y', Y: 'Z', Z: 'Y' };

function invertCase(code: string): string {
  return code.replace(/[a-zA-Z]/g, (ch) =>
    ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase(),
  );
}

/** The raw code with one GS put back before each place where an AI may have been swallowed. */
function missingSeparatorCandidates(code: string): string[] {
  if (code.includes('(') || code.includes('/')) return [];
  const candidates: string[] = [];
  // Past the symbology identifier and the 16 characters of (01) + GTIN.
  for (let pos = 18; pos < code.length - 2; pos++) {
    if (code[pos - 1] !== GS && EMBEDDED_AI.test(code.slice(pos))) {
      candidates.push(`${code.slice(0, pos)}${GS}${code.slice(pos)}`);
    }
  }
  return candidates;
}

function key(unit: Gs1Unit): string {
  return JSON.stringify([unit.gtin, unit.lot, unit.serial, unit.expiry]);
}

import { isDigitalLink, readDigitalLink } from './digital-link';
import { Gs1Element, checkScanLength, collectAis, normaliseGtin } from './element';
import { declaresAiData, readElementString, stripScannerPrefix } from './element-string';
import { parseGs1Date } from './gs1-date';
import { attempt, fail } from './gs1-error';

export { gs1CheckDigit, hasValidCheckDigit } from './check-digit';
export { parseDigitalLink } from './digital-link';
export { normaliseGtin } from './element';
export { parseElementString } from './element-string';
export type { Gs1AisResult, Gs1Element } from './element';
export { parseGs1Date } from './gs1-date';

export interface Gs1Unit {
  kind: 'unit';
  gtin: string;
  lot?: string;
  serial?: string;
  /** ISO YYYY-MM-DD */
  expiry?: string;
  ais: Record<string, string>;
}

export interface Gs1Pallet {
  kind: 'pallet';
  sscc: string;
  ais: Record<string, string>;
}

export type Gs1ParseResult = ({ ok: true } & (Gs1Unit | Gs1Pallet)) | { ok: false; error: string };

/**
 * Reads whatever a dock scanner produced from a GS1 barcode: bracketed or raw
 * element strings, a GS1 Digital Link URI, or a bare GTIN or SSCC. `now`
 * decides the century of two-digit years.
 */
export function parseGs1(code: string, now: Date): Gs1ParseResult {
  return attempt(() => {
    checkScanLength(code);
    return classify(collectAis(readAnyForm(code.trim()), now), now);
  });
}

function readAnyForm(scan: string): Gs1Element[] {
  const text = stripScannerPrefix(scan);
  if (isDigitalLink(text)) return readDigitalLink(text);
  const bareKey = declaresAiData(scan) ? undefined : readBareKey(text);
  return bareKey ?? readElementString(text);
}

// A linear barcode (EAN-13, UPC-A, ITF-14, ...) carries only the digits, without an AI.
function readBareKey(text: string): Gs1Element[] | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  if (text.length === 18) return [{ ai: '00', value: text }];
  const gtin = normaliseGtin(text);
  return gtin === null ? undefined : [{ ai: '01', value: gtin }];
}

// AI 02 next to an SSCC describes what the pallet holds, so that label is still a pallet.
function classify(ais: Record<string, string>, now: Date): Gs1Unit | Gs1Pallet {
  const { '00': sscc, '01': gtin, '02': contentGtin } = ais as Partial<Record<string, string>>;
  if (gtin !== undefined) return unit(gtin, ais, now);
  if (sscc !== undefined) return { kind: 'pallet', sscc, ais };
  if (contentGtin !== undefined) return unit(contentGtin, ais, now);
  return fail('The barcode has no GTIN or SSCC');
}

function unit(gtin: string, ais: Record<string, string>, now: Date): Gs1Unit {
  const { '10': lot, '21': serial, '17': expiry } = ais as Partial<Record<string, string>>;
  const result: Gs1Unit = { kind: 'unit', gtin, ais };
  if (lot !== undefined) result.lot = lot;
  if (serial !== undefined) result.serial = serial;
  const expiryDate = expiry === undefined ? null : parseGs1Date(expiry, now);
  if (expiryDate !== null) result.expiry = expiryDate;
  return result;
}

import type { ReasonCode } from '../verification/verdict';

/** One unit (or pallet label, or unreadable code) of a flag, as the WMS sees it. */
export interface WmsItem {
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  /** Only for a pallet label scanned on its own. */
  sscc?: string;
  /** Only for a code that could not be read as GS1. */
  code?: string;
  reasons: ReasonCode[];
}

/** PRODUCT.md's WMS message, field for field and in its order. */
export interface WmsMessage {
  messageId: string;
  type: 'hold' | 'release' | 'quarantine';
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  items: WmsItem[];
  at: string;
  note?: string;
  resolvedBy?: string;
}

export interface FlagForWms {
  flagId: string;
  siteId: string;
  palletSscc: string | null;
}

export function holdMessage(
  messageId: string,
  flag: FlagForWms,
  items: WmsItem[],
  at: Date,
): WmsMessage {
  const { flagId, siteId, palletSscc } = flag;
  return { messageId, type: 'hold', flagId, siteId, palletSscc, items, at: at.toISOString() };
}

export function resolutionMessage(
  messageId: string,
  flag: FlagForWms,
  items: WmsItem[],
  resolution: { type: 'release' | 'quarantine'; note: string; resolvedBy: string; at: Date },
): WmsMessage {
  const { flagId, siteId, palletSscc } = flag;
  const { type, note, resolvedBy, at } = resolution;
  return {
    messageId,
    type,
    flagId,
    siteId,
    palletSscc,
    items,
    at: at.toISOString(),
    note,
    resolvedBy,
  };
}

export function wmsTopic(siteId: string): string {
  return `sites/${siteId}/wms/events`;
}

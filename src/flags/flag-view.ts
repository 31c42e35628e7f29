import type { Reason } from '../verification/verdict';
import type { FlagCertificate, FlagClearance, FlagScan } from './flag-evidence.repository';
import type { FlagItemRecord, FlagRecord, FlagStatus } from './flags.repository';

export interface FlagItemView {
  gtin?: string;
  lot?: string;
  serial?: string;
  sscc?: string;
  code?: string;
  reasons: Reason[];
  addedAt: string;
}

export interface FlagView {
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  status: FlagStatus;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
  items: FlagItemView[];
}

export interface FlagTimelineEntry {
  at: string;
  what: string;
  by?: string;
  note?: string;
}

export interface FlagDetailView extends FlagView {
  scans: FlagScan[];
  evidence: { certificates: FlagCertificate[]; clearances: FlagClearance[] };
  timeline: FlagTimelineEntry[];
}

export function toFlagView(flag: FlagRecord): FlagView {
  return {
    flagId: flag.flagId,
    siteId: flag.siteId,
    palletSscc: flag.palletSscc,
    status: flag.status,
    openedAt: flag.openedAt.toISOString(),
    updatedAt: flag.updatedAt.toISOString(),
    resolvedAt: flag.resolvedAt?.toISOString() ?? null,
    resolvedBy: flag.resolvedBy,
    note: flag.note,
    items: flag.items.map(toItemView),
  };
}

/** Opened, each time it grew (units added together count as one step), and its resolution. */
export function timelineOf(flag: FlagRecord): FlagTimelineEntry[] {
  const steps = new Map<number, number>();
  for (const item of flag.items)
    steps.set(item.addedAt.getTime(), (steps.get(item.addedAt.getTime()) ?? 0) + 1);
  const timeline: FlagTimelineEntry[] = [...steps].map(([at, count], i) => ({
    at: new Date(at).toISOString(),
    what: `${i === 0 ? 'opened with' : 'grew by'} ${count} ${count === 1 ? 'item' : 'items'}`,
  }));
  if (flag.resolvedAt)
    timeline.push({
      at: flag.resolvedAt.toISOString(),
      what: flag.status,
      ...(flag.resolvedBy && { by: flag.resolvedBy }),
      ...(flag.note && { note: flag.note }),
    });
  return timeline;
}

function toItemView(item: FlagItemRecord): FlagItemView {
  return {
    ...(item.gtin !== null && { gtin: item.gtin }),
    ...(item.lot !== null && { lot: item.lot }),
    ...(item.serial !== null && { serial: item.serial }),
    ...(item.sscc !== null && { sscc: item.sscc }),
    ...(item.code !== null && { code: item.code }),
    reasons: item.reasons,
    addedAt: item.addedAt.toISOString(),
  };
}

// Types of view.js for its unit spec: the browser loads the plain JavaScript module as it is.
import type { KpisView } from '../../kpis/kpis.controller';
import type { KpiRow, SecondsSpread } from '../../kpis/kpis.repository';

export interface Reason {
  code: string;
  message: string;
}

export interface FlagItem {
  gtin?: string;
  lot?: string;
  serial?: string;
  sscc?: string;
  code?: string;
  reasons: Reason[];
  addedAt: string;
}

export interface FlagSummary {
  flagId: string;
  siteId: string;
  palletSscc: string | null;
  status: 'open' | 'released' | 'quarantined';
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
  items: FlagItem[];
}

export type QueueChange = 'opened' | 'grew' | 'updated' | 'resolved' | 'none';

export function reasonText(code: string): string;
export function formatAge(since: string | number, now: string | number): string;
export function formatAgo(since: string | number, now: string | number): string;
export function unitText(item: Omit<FlagItem, 'reasons' | 'addedAt'>): string;
export function flagTitle(flag: FlagSummary): string;
export function flagReasons(flag: FlagSummary): string[];
export function queueEntry(
  flag: FlagSummary,
  now: string | number,
): { title: string; site: string; reasons: string; details: string };
export function sortQueue(flags: FlagSummary[]): FlagSummary[];
export function applyFlagEvent(
  queue: FlagSummary[],
  flag: FlagSummary,
): { queue: FlagSummary[]; change: QueueChange };
export function announcement(change: QueueChange, flag: FlagSummary): string | null;
export function keyIdOf(apiKey: string): string | null;

// The API's own types: the console reads exactly what GET /api/v1/kpis answers.
export type { KpiRow, KpisView, SecondsSpread };

export interface KpiTable {
  caption: string;
  headings: string[];
  rows: string[][];
}

export function formatRate(rate: number | null): string;
export function formatDuration(seconds: number | null): string;
export function formatSpread(spread: SecondsSpread): string;
export function kpiCells(row: KpiRow): string[];
export function kpiTables(view: KpisView): KpiTable[];
export function kpiQuery(
  firstDay: string,
  lastDay: string,
): { query: string; error: null } | { query: null; error: string };

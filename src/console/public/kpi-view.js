// The enforcement KPIs of the key's sites: one table per grouping of GET /api/v1/kpis.
import { el, localDate, localTime, table } from './dom.js';
import { kpiTables } from './view.js';

export function renderKpis(view) {
  if (!view.total.flags)
    return [el('p', { className: 'hint' }, 'No flags were opened in this window.')];
  return kpiTables(view).map(({ caption, headings, rows }) => table(caption, headings, rows, ''));
}

/** The window in the tablet's time: the API's default, or the days chosen (both included). */
export function kpiPeriod(view, chosen) {
  if (!chosen) return `Flags opened in the last 30 days, since ${localTime(view.from)}.`;
  const lastDay = new Date(Date.parse(view.to) - 1).toISOString();
  return `Flags opened from ${localDate(view.from)} to ${localDate(lastDay)}.`;
}

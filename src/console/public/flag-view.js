// The flag detail: its units and reasons, the evidence they were checked against, the scans and
// what happened so far.
import { el, localTime, table } from './dom.js';
import { formatAgo, reasonText, unitText } from './view.js';

const STATUS = { open: 'Open', released: 'Released', quarantined: 'Quarantined' };

export function renderFlag(flag, now) {
  return [
    summary(flag, now),
    el('h3', {}, 'Units'),
    table(
      'Flagged units and why',
      ['Unit', 'Why', 'Flagged'],
      flag.items.map((item) => [unitText(item), reasons(item.reasons), localTime(item.addedAt)]),
      'No units.',
    ),
    el('h3', {}, 'Evidence'),
    ...evidence(flag.evidence ?? {}),
    el('h3', {}, 'Scans'),
    table(
      'Scans of these units',
      ['Time', 'Dock', 'Scanner', 'Direction', 'Code', 'Verdict'],
      (flag.scans ?? []).map((s) => [
        localTime(s.scannedAt),
        s.dockId,
        s.scannerId,
        s.direction,
        barcode(s.code),
        s.status,
      ]),
      'No scans recorded.',
    ),
    el('h3', {}, 'History'),
    timeline(flag.timeline ?? []),
  ];
}

function summary(flag, now) {
  const facts = [
    ['Status', el('span', { className: `status status-${flag.status}` }, STATUS[flag.status])],
    ['Site', flag.siteId],
    ['Opened', `${localTime(flag.openedAt)} (${formatAgo(flag.openedAt, now)})`],
  ];
  if (flag.resolvedAt) {
    facts.push(['Decided', `${localTime(flag.resolvedAt)} by ${flag.resolvedBy ?? 'unknown'}`]);
    facts.push(['Note', flag.note ?? '']);
  }
  return el(
    'dl',
    { className: 'facts' },
    ...facts.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
}

function reasons(list) {
  return el(
    'ul',
    { className: 'reason-list' },
    ...list.map((r) =>
      el('li', {}, el('strong', {}, reasonText(r.code)), el('span', {}, ` (${r.message})`)),
    ),
  );
}

/** A raw barcode, breakable before each GS1 application identifier rather than mid-number. */
function barcode(code) {
  const parts = code.split(/(?=\()/);
  return el('code', {}, ...parts.flatMap((part, i) => (i ? [el('wbr'), part] : [part])));
}

function evidence({ certificates = [], clearances = [] }) {
  return [
    table(
      'Batch certificates',
      ['Certificate', 'Supplier', 'Lot', 'Expires', 'State'],
      certificates.map((c) => [
        c.certificateId,
        c.supplierName ? `${c.supplierName} (${c.supplierId})` : c.supplierId,
        c.lot,
        c.expiresOn,
        c.revoked ? el('strong', { className: 'bad' }, 'Revoked') : 'In force',
      ]),
      'No certificate covers these units.',
    ),
    table(
      'IP clearances',
      ['Clearance', 'Valid from', 'Valid until'],
      clearances.map((c) => [c.clearanceId, c.validFrom, c.validUntil]),
      'No IP clearance applies.',
    ),
  ];
}

function timeline(entries) {
  if (!entries.length) return el('p', { className: 'hint' }, 'Nothing recorded yet.');
  return el(
    'ol',
    { className: 'timeline' },
    ...entries.map((entry) =>
      el(
        'li',
        {},
        el('time', { dateTime: entry.at }, localTime(entry.at)),
        ` ${entry.what}`,
        entry.by ? ` by ${entry.by}` : null,
        entry.note ? el('q', {}, entry.note) : null,
      ),
    ),
  );
}

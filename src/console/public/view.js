// Pure view logic of the console: no DOM, no network, `now` passed in, so it is unit-tested
// (src/console/console-front-end.spec.ts) and renders the same on every tablet.

const REASONS = {
  INVALID_BARCODE: 'Barcode unreadable or check digit wrong',
  UNKNOWN_BATCH: 'No certificate for this batch',
  CERTIFICATE_REVOKED: 'Batch certificate revoked',
  SUPPLIER_SUSPENDED: 'Supplier suspended',
  SERIAL_NOT_CERTIFIED: 'Serial not in the batch certificate',
  QUANTITY_EXCEEDED: 'More units than the certificate allows',
  EXPIRY_MISMATCH: 'Label expiry differs from the certificate',
  BATCH_EXPIRED: 'Batch expired',
  DUPLICATE_SERIAL: 'Serial already in stock: possible clone',
  NO_IP_CLEARANCE: 'No IP clearance for this market',
  IP_CLEARANCE_EXPIRED: 'IP clearance expired',
  NOT_ON_MANIFEST: "Not on the pallet's manifest",
  UNEXPECTED_PALLET: 'Pallet not announced by any manifest',
  SCANNER_MISREAD: 'Probably a scanner set-up fault',
  ON_HOLD: 'Unit is on hold',
  NOT_RECEIVED: 'Never received at this site',
};

/** A reason code in plain words; a code this console does not know yet still reads as words. */
export function reasonText(code) {
  if (Object.hasOwn(REASONS, code)) return REASONS[code];
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How long ago `since` was, coarse enough to read at arm's length: "4 min", "2 h 5 min", "3 d 1 h". */
export function formatAge(since, now) {
  const minutes = Math.floor((toMillis(now) - toMillis(since)) / 60_000);
  if (!(minutes >= 1)) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** The age as a phrase: "just now", "4 min ago". */
export function formatAgo(since, now) {
  const age = formatAge(since, now);
  return age === 'just now' ? age : `${age} ago`;
}

function toMillis(time) {
  return typeof time === 'number' ? time : new Date(time).getTime();
}

/** One flagged unit as a supervisor reads it off the label. */
export function unitText(item) {
  const parts = [];
  if (item.gtin) parts.push(`GTIN ${item.gtin}`);
  if (item.lot) parts.push(`lot ${item.lot}`);
  if (item.serial) parts.push(`serial ${item.serial}`);
  if (parts.length) return parts.join(' · ');
  if (item.sscc) return `Pallet label ${item.sscc}`;
  return item.code ? `Unreadable code ${item.code}` : 'Unknown unit';
}

export function flagTitle(flag) {
  if (flag.palletSscc) return `Pallet ${flag.palletSscc}`;
  if (flag.items.length === 1) return unitText(flag.items[0]);
  return `Flag ${flag.flagId}`;
}

/** The distinct reasons of a flag's units in plain words, in order of first appearance. */
export function flagReasons(flag) {
  const codes = flag.items.flatMap((item) => item.reasons.map((reason) => reason.code));
  return [...new Set(codes)].map(reasonText);
}

/** The text of one queue entry. */
export function queueEntry(flag, now) {
  const count = flag.items.length;
  return {
    title: flagTitle(flag),
    site: flag.siteId,
    reasons: flagReasons(flag).join(', '),
    details: `${count} ${count === 1 ? 'unit' : 'units'} · open ${formatAge(flag.openedAt, now)}`,
  };
}

/** Oldest first, as the API lists them; the flag id breaks ties so the order never flickers. */
export function sortQueue(flags) {
  return [...flags].sort(
    (a, b) =>
      toMillis(a.openedAt) - toMillis(b.openedAt) ||
      (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0),
  );
}

/**
 * The open queue after a flag event from the stream, and what changed: `opened` (new to this
 * queue), `grew` (more units), `updated`, `resolved` (left the queue) or `none`.
 */
export function applyFlagEvent(queue, flag) {
  const previous = queue.find((f) => f.flagId === flag.flagId);
  const others = queue.filter((f) => f.flagId !== flag.flagId);
  if (flag.status !== 'open') return { queue: others, change: previous ? 'resolved' : 'none' };
  const change = !previous
    ? 'opened'
    : flag.items.length > previous.items.length
      ? 'grew'
      : 'updated';
  return { queue: sortQueue([...others, flag]), change };
}

/** What the live region says about a change, or null when it is not worth interrupting for. */
export function announcement(change, flag) {
  const title = flagTitle(flag);
  switch (change) {
    case 'opened':
      return `New flag at ${flag.siteId}: ${title}. ${flagReasons(flag).join(', ')}.`;
    case 'grew':
      return `${title} at ${flag.siteId} now has ${flag.items.length} flagged units.`;
    case 'resolved':
      return `${title} at ${flag.siteId} was ${flag.status}${flag.resolvedBy ? ` by ${flag.resolvedBy}` : ''}.`;
    default:
      return null;
  }
}

/**
 * The key id of an issued `dp_key_<hex>_<secret>` API key, shown so supervisors can tell keys
 * apart; null for the bootstrap admin key, whose form is free.
 */
export function keyIdOf(apiKey) {
  const match = /^dp_(key_[0-9a-f]+)_/.exec(apiKey);
  return match ? match[1] : null;
}

/** A share as people read it: "50%", "4.5%" below 10%; "—" when there is nothing to share. */
export function formatRate(rate) {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—';
  const percent = rate * 100;
  if (percent > 0 && percent < 0.1) return '< 0.1%';
  return `${percent < 10 ? Math.round(percent * 10) / 10 : Math.round(percent)}%`;
}

/** A span of seconds: "< 1 s", "45 s", "4 min 12 s", then as ages are ("2 h 5 min"); "—" for none. */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  // Below a second (or below zero, when a scanner's clock runs ahead) the difference is noise.
  if (seconds < 1) return '< 1 s';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600)
    return whole % 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole / 60} min`;
  return formatAge(0, whole * 1000);
}

/** Median and 95th percentile in one cell: "12 s / 4 min"; "—" when neither is known. */
export function formatSpread({ p50, p95 }) {
  if (p50 === null && p95 === null) return '—';
  return `${formatDuration(p50)} / ${formatDuration(p95)}`;
}

const KPI_HEADINGS = [
  'Open',
  'Released',
  'Quarantined',
  'Quarantine rate',
  'False-flag rate',
  'Time to detect (median / 95th percentile)',
  'Time to resolve (median / 95th percentile)',
];

/** The figures of one KPI row, in the order of KPI_HEADINGS. */
export function kpiCells(row) {
  return [
    String(row.open),
    String(row.released),
    String(row.quarantined),
    formatRate(row.quarantineRate),
    formatRate(row.falseFlagRate),
    formatSpread(row.timeToDetectSeconds),
    formatSpread(row.timeToResolveSeconds),
  ];
}

/** Units no certificate vouched for have no supplier. */
function supplierName(supplierId) {
  return supplierId ?? 'No certificate';
}

/**
 * The KPI tables of a `GET /api/v1/kpis` answer: per site (with the sum of all when there are
 * several), per supplier, and per site and supplier.
 */
export function kpiTables(view) {
  const bySite = view.bySite.map((row) => [row.siteId, ...kpiCells(row)]);
  if (view.bySite.length > 1) bySite.push(['All sites', ...kpiCells(view.total)]);
  return [
    { caption: 'KPIs by site', headings: ['Site', ...KPI_HEADINGS], rows: bySite },
    {
      caption: 'KPIs by supplier',
      headings: ['Supplier', ...KPI_HEADINGS],
      rows: view.bySupplier.map((row) => [supplierName(row.supplierId), ...kpiCells(row)]),
    },
    {
      caption: 'KPIs by site and supplier',
      headings: ['Site', 'Supplier', ...KPI_HEADINGS],
      rows: view.bySiteAndSupplier.map((row) => [
        row.siteId,
        supplierName(row.supplierId),
        ...kpiCells(row),
      ]),
    },
  ];
}

/**
 * The query of a KPI window chosen as first and last day (`YYYY-MM-DD`, the tablet's local days,
 * both included); either may be empty, and with both empty the API's default, the last 30 days.
 */
export function kpiQuery(firstDay, lastDay) {
  const from = firstDay ? localDay(firstDay) : null;
  const to = lastDay ? localDay(lastDay, 1) : null;
  if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime())))
    return { query: null, error: 'Enter the days as year, month and day.' };
  if (from && to && from >= to)
    return { query: null, error: 'The first day must not be after the last.' };
  const params = [];
  if (from) params.push(`from=${encodeURIComponent(from.toISOString())}`);
  if (to) params.push(`to=${encodeURIComponent(to.toISOString())}`);
  return { query: params.length ? `?${params.join('&')}` : '', error: null };
}

/** Local midnight of `day` plus `days`. */
function localDay(day, days = 0) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return new Date(NaN);
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
}

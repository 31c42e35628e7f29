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

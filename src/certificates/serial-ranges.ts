/** `prefix` followed by each number from `start` to `end`, zero-padded to `width` digits. */
export interface SerialRange {
  prefix: string;
  start: number;
  end: number;
  width: number;
}

export function rangeSize(range: SerialRange): number {
  return range.end - range.start + 1;
}

/** The serial of number `n` of the range (as PostgreSQL's `prefix || lpad(n, width, '0')`). */
export function serialAt(range: SerialRange, n: number): string {
  return `${range.prefix}${String(n).padStart(range.width, '0')}`;
}

/** Whether the range holds `serial`: the prefix, then exactly `width` digits within bounds. */
export function rangeCovers(range: SerialRange, serial: string): boolean {
  if (!serial.startsWith(range.prefix)) return false;
  const digits = serial.slice(range.prefix.length);
  if (digits.length !== range.width || !/^\d+$/.test(digits)) return false;
  const n = BigInt(digits);
  return n >= BigInt(range.start) && n <= BigInt(range.end);
}

/** Every serial of the range, in order; for tests and small ranges. */
export function* expandRange(range: SerialRange): Generator<string> {
  for (let n = range.start; n <= range.end; n++) yield serialAt(range, n);
}

/** Listed serials plus every range's size (the same serial in two places counts twice). */
export function serialCount(serials: readonly string[] = [], ranges: readonly SerialRange[] = []) {
  return ranges.reduce((total, range) => total + rangeSize(range), serials.length);
}

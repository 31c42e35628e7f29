const YYMMDD = /^(\d\d)(\d\d)(\d\d)$/;

/**
 * Reads a GS1 YYMMDD date (AIs 11-17) as ISO `YYYY-MM-DD`, or null if it is
 * not a real date. DD = 00 stands for the last day of the month.
 * Throws RangeError if `now` is an invalid Date (a caller bug, not bad data).
 */
export function parseGs1Date(yymmdd: string, now: Date): string | null {
  const match = YYMMDD.exec(yymmdd);
  if (match === null) return null;
  const [yy, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12) return null;
  const year = resolveCentury(yy, now);
  const lastDay = daysInMonth(year, month);
  if (day > lastDay) return null;
  return isoDate(year, month, day === 0 ? lastDay : day);
}

/**
 * GS1 General Specifications 7.12: a two-digit year is taken to lie between
 * 49 years before and 50 years after the current year. UTC keeps the result
 * independent of the server's time zone.
 */
export function resolveCentury(yy: number, now: Date): number {
  const currentYear = now.getUTCFullYear();
  if (Number.isNaN(currentYear)) throw new RangeError('`now` is not a valid date');
  const earliest = currentYear - 49;
  return earliest + ((((yy - earliest) % 100) + 100) % 100);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isoDate(year: number, month: number, day: number): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

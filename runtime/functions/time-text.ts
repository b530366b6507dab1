// Calendar arithmetic and ksqlDB's canonical text forms of DATE, TIME and TIMESTAMP
// (what CAST(... AS STRING), TO_JSON_STRING and implicit string-literal coercion use).
//
// Civil-date conversion is done with integer arithmetic (H. Hinnant's days-from-civil)
// rather than JS Date, whose two-digit-year quirks (Date.UTC(99, ...) is 1999) and
// local-time defaults are traps.

export const MS_PER_DAY = 86_400_000;

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Floor division that is correct for negative epoch values. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}
export function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

/** ISO year as java.time prints it: 4 digits, a sign when outside 0000..9999. */
function isoYear(year: number): string {
  if (year > 9999) return '+' + year;
  return pad(year, 4);
}

/** `2020-05-26`, as LocalDate.toString. */
export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${isoYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `10:00`, `10:00:05`: LocalTime.ofSecondOfDay(...).toString(), which drops zero seconds and all millis. */
export function formatIsoTime(msOfDay: number): string {
  const secs = Math.floor(floorMod(msOfDay, MS_PER_DAY) / 1000);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return s === 0 ? `${pad(h, 2)}:${pad(m, 2)}` : `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
}

/** `2019-03-17T10:00:00.000` in UTC, ksqlDB's TIMESTAMP text form. */
export function formatIsoTimestamp(epochMs: number): string {
  const days = floorDiv(epochMs, MS_PER_DAY);
  const ms = floorMod(epochMs, MS_PER_DAY);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${formatIsoDate(days)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)}`;
}

const DATE_RE = /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const OFFSET_RE = /^(?:Z|([+-])(\d{2}):?(\d{2})?)$/;

function checkDate(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/** `2020-05-26`, or a partial `2020-05` / `2020` (completed with 01s). Null when malformed. */
export function parseIsoDate(text: string): number | null {
  const m = DATE_RE.exec(text.trim());
  if (!m) return null;
  return checkDate(Number(m[1]), m[2] ? Number(m[2]) : 1, m[3] ? Number(m[3]) : 1);
}

/** `10:00`, `10:00:05`, `10:00:05.123`: milliseconds of the day. Null when malformed. */
export function parseIsoTime(text: string): number | null {
  const m = TIME_RE.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] ? Number(m[3]) : 0;
  if (h > 23 || min > 59 || s > 59) return null;
  const ms = m[4] ? Number((m[4] + '00').slice(0, 3)) : 0;
  return h * 3_600_000 + min * 60_000 + s * 1000 + ms;
}

/**
 * ksqlDB's partial timestamp form: a date (possibly partial), optionally `T` and a time
 * (possibly partial, `10` meaning 10:00) and an offset (`Z`, `+07:00`, `-0700`); UTC when
 * no offset is given. Null when malformed.
 */
export function parseIsoTimestamp(text: string): number | null {
  const t = text.trim();
  const tIdx = t.indexOf('T');
  const datePart = tIdx < 0 ? t : t.slice(0, tIdx);
  const days = parseIsoDate(datePart);
  if (days === null) return null;
  if (tIdx < 0) return days * MS_PER_DAY;
  let timePart = t.slice(tIdx + 1);
  let offsetMs = 0;
  const off = /(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})$/.exec(timePart);
  if (off) {
    const o = OFFSET_RE.exec(off[1]!);
    if (!o) return null;
    offsetMs = o[1] ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 3_600_000 + Number(o[3] ?? 0) * 60_000) : 0;
    timePart = timePart.slice(0, off.index);
  }
  if (/^\d{2}$/.test(timePart)) timePart += ':00';
  const ms = parseIsoTime(timePart);
  if (ms === null) return null;
  return days * MS_PER_DAY + ms - offsetMs;
}

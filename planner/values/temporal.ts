// DATE / TIME / TIMESTAMP text the way ksqlDB reads and writes it (SqlTimeTypes and
// PartialStringToTimestampParser): what CAST to and from STRING, a string literal compared with
// or passed as a temporal value, and TO_JSON_STRING use. It lives with the planner's values
// because the typer checks such literals at plan time; the runtime uses the same functions.
//
// Parsers throw a plain Error whose message the caller wraps.

import { MS_PER_DAY, civilFromDays, daysFromCivil, daysInMonth, floorDiv, floorMod } from './calendar.js';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// ------------------------------------------------------------------ DATE

/** `2020`, `2020-05` and `2020-05-26` all name a day: partial dates start at the first. */
function completeDate(text: string): string {
  // Java's String.split drops trailing empty strings, so '2020-' counts as one part.
  const parts = text.split('-');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1) return text + '-01-01';
  if (parts.length === 2) return text + '-01';
  return text;
}

/** LocalDate.parse after completing partials: strict ISO `yyyy-MM-dd`. */
export function parseDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(completeDate(text));
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return daysFromCivil(year, month, day);
    }
  }
  throw new Error(
    `Failed to parse date '${text}'. Required format is: "yyyy-MM-dd", for example '2020-05-26'. ` +
      "Partials are also supported, for example '2020-05'",
  );
}

/** LocalDate.toString: ISO, with a sign beyond four-digit years. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  let y: string;
  if (year > 9999) y = '+' + year;
  else if (year < 0) y = '-' + pad(-year, 4);
  else y = pad(year, 4);
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
}

// ------------------------------------------------------------------ TIME

/** LocalTime.parse: `HH:mm`, `HH:mm:ss` or `HH:mm:ss.fffffffff`, truncated to milliseconds. */
export function parseTime(text: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    const s = m[3] === undefined ? 0 : Number(m[3]);
    const ms = m[4] === undefined ? 0 : Number(m[4].padEnd(9, '0').slice(0, 3));
    if (h < 24 && min < 60 && s < 60) return ((h * 60 + min) * 60 + s) * 1000 + ms;
  }
  throw new Error(
    `Failed to parse time '${text}'. Required format is: "HH:mm:ss.SSS", for example: '01:34:20.123' or ` +
      "'01:34:20'. Partials are also supported, for example '01:34'",
  );
}

/** ksqlDB prints TIME through LocalTime.ofSecondOfDay(...).toString(): whole seconds, `:ss` only when non-zero. */
export function formatTime(msOfDay: number): string {
  const secs = Math.trunc(msOfDay / 1000);
  const h = Math.trunc(secs / 3600);
  const m = Math.trunc(secs / 60) % 60;
  const s = secs % 60;
  return `${pad(h, 2)}:${pad(m, 2)}` + (s === 0 ? '' : `:${pad(s, 2)}`);
}

// ------------------------------------------------------------------ TIMESTAMP

const TIME_PATTERN = 'HH:mm:ss.SSS';

/** Pads a partial time with the pattern's remaining characters turned to zeros: '13' → '13:00:00.000'. */
function completeTime(time: string): string {
  if (time.length >= TIME_PATTERN.length) return time;
  return time + TIME_PATTERN.slice(time.length).replace(/[a-zA-Z]/g, '0');
}

/** The offset in minutes of a ZoneId.of-style offset: `+01`, `+0100`, `+01:00`, `-5`. */
function parseOffsetMinutes(tz: string): number {
  if (tz.trim() === '') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(tz);
  if (!m || Number(m[2]) > 18 || Number(m[3] ?? 0) > 59) throw new Error(`Failed to parse timezone '${tz}'`);
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60;
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * PartialStringToTimestampParser: `yyyy-MM-dd'T'HH:mm:ss.SSS` with an optional numeric offset or a
 * trailing `Z`; a date alone, or a time cut short, is completed with zeros.
 */
export function parseTimestamp(text: string): number {
  let date: string;
  let time: string;
  let tz = '';
  const t = text.indexOf('T');
  if (t >= 0) {
    date = text.slice(0, t);
    const withTz = text.slice(t + 1);
    const plus = withTz.indexOf('+');
    const minus = withTz.indexOf('-');
    if (plus >= 0) tz = withTz.slice(plus);
    else if (minus >= 0) tz = withTz.slice(minus);
    time = completeTime(withTz.slice(0, withTz.length - tz.length).replace(/Z$/, ''));
  } else {
    date = completeDate(text);
    time = completeTime('');
  }
  const fail = (): never => {
    throw new Error(
      `Failed to parse timestamp '${text}'. Required format is: "yyyy-MM-dd'T'HH:mm:ss.SSS", with an optional ` +
        "numeric 4-digit timezone, for example: '2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'.",
    );
  };
  let offset: number;
  try {
    offset = parseOffsetMinutes(tz);
  } catch {
    return fail();
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(date + 'T' + time);
  if (!m) return fail();
  const [year, month, day, h, min, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || min > 59 || s > 59) return fail();
  // DateTimeFormatter's default SMART resolver moves an impossible day to the month's last day.
  const d = Math.min(day, daysInMonth(year, month));
  return daysFromCivil(year, month, d) * MS_PER_DAY + ((h * 60 + min) * 60 + s) * 1000 + ms - offset * 60_000;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC, as ksqlDB's CAST(ts AS STRING). */
export function formatTimestamp(epochMs: number): string {
  const days = floorDiv(epochMs, MS_PER_DAY);
  const ms = floorMod(epochMs, MS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  // The pattern's `yyyy` is the year of era: no sign before year 1, a '+' past 9999.
  const y = year > 9999 ? '+' + year : pad(year > 0 ? year : 1 - year, 4);
  const secs = Math.trunc(ms / 1000);
  return (
    `${y}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.trunc(secs / 3600), 2)}:${pad(Math.trunc(secs / 60) % 60, 2)}:` +
    `${pad(secs % 60, 2)}.${pad(ms % 1000, 3)}`
  );
}

export function timestampToDate(epochMs: number): number {
  return floorDiv(epochMs, MS_PER_DAY);
}
export function timestampToTime(epochMs: number): number {
  return floorMod(epochMs, MS_PER_DAY);
}
export function dateToTimestamp(days: number): number {
  return days * MS_PER_DAY;
}

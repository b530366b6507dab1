// Date and time functions. DATE is days since the epoch, TIME milliseconds of the day and
// TIMESTAMP epoch milliseconds (UTC); the legacy functions (DATETOSTRING, STRINGTOTIMESTAMP...)
// take and return the same numbers as INT / BIGINT. Patterns are Java DateTimeFormatter
// patterns, except PARSE_DATE's, which ksqlDB reads as SimpleDateFormat patterns; when no zone
// is given, UTC is used.
//
// What a parse may leave out differs as it does in ksqlDB: STRINGTOTIMESTAMP and PARSE_TIMESTAMP
// default missing fields to 1970-01-01T00:00, STRINGTODATE needs a whole date (LocalDate.parse),
// PARSE_TIME needs an hour and no date, and PARSE_DATE defaults like a cleared Calendar.

import type { FunctionDef } from '../../planner/functions.js';
import type { TimeUnit } from '../../grammar/ast.js';
import { BIGINT, DATE, INT, STRING, TIME, TIMESTAMP } from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import {
  dateTimePattern,
  resolve,
  temporalOfDate,
  temporalOfInstant,
  temporalOfTime,
  type ParsedFields,
} from './datetime-format.js';
import {
  INTERVAL_UNIT,
  P_BIGINT,
  P_DATE,
  P_INT,
  P_STRING,
  P_TIME,
  P_TIMESTAMP,
} from './params.js';
import { MS_PER_DAY, civilFromDays, daysFromCivil, daysInMonth, floorDiv, floorMod } from '../../planner/values/calendar.js';
import { simpleDatePattern } from './simple-date-parse.js';
import { zoneOf } from './timezones.js';

const UTC = zoneOf('UTC');

function formatTimestamp(epochMs: number, pattern: string, tz?: string): string {
  return dateTimePattern(pattern).format(temporalOfInstant(epochMs, tz === undefined ? UTC : zoneOf(tz)));
}

function parseTimestamp(text: string, pattern: string, tz?: string): number {
  return resolve(dateTimePattern(pattern).parse(text), tz === undefined ? UTC : zoneOf(tz), text).epochMs;
}

function cannotObtain(text: string, what: string): RangeError {
  return new RangeError(`Text '${text}' could not be parsed: Unable to obtain ${what} from TemporalAccessor`);
}

const hasDateField = (f: ParsedFields): boolean =>
  f.year !== undefined || f.yearOfEra !== undefined || f.month !== undefined || f.day !== undefined || f.dayOfYear !== undefined;

/** STRINGTODATE: LocalDate.parse, which needs a year and a month and day, or a day of the year. */
function stringToDate(text: string, pattern: string): number {
  const f = dateTimePattern(pattern).parse(text);
  const year = f.year !== undefined || f.yearOfEra !== undefined;
  if (!year || (f.dayOfYear === undefined && (f.month === undefined || f.day === undefined))) {
    throw cannotObtain(text, 'LocalDate');
  }
  return resolve(f, UTC, text).epochDay;
}

/** PARSE_DATE: SimpleDateFormat parsing in UTC, where any time of day but midnight is an error. */
function parseDate(text: string, pattern: string): number {
  const ms = simpleDatePattern(pattern).parse(text, UTC);
  if (ms % MS_PER_DAY !== 0) throw new RangeError('Date format contains time field.');
  return ms / MS_PER_DAY;
}

/** PARSE_TIME: LocalTime.from what was parsed; a date field is an error, and the hour is required. */
function parseTime(text: string, pattern: string): number {
  const f = dateTimePattern(pattern).parse(text);
  if (hasDateField(f)) throw new RangeError('Time format contains date field.');
  const hour = f.hour !== undefined || f.milliOfDay !== undefined || (f.hour12 !== undefined && f.pm !== undefined);
  if (!hour) throw cannotObtain(text, 'LocalTime');
  return resolve(f, UTC, text).msOfDay;
}

// ---------------------------------------------------------------- interval arithmetic

const UNIT_MS: Partial<Record<TimeUnit, number>> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: MS_PER_DAY,
  WEEKS: 7 * MS_PER_DAY,
};

/** TimeUnit.toMillis: sub-millisecond units truncate toward zero. */
function unitMillis(unit: TimeUnit, n: number): number {
  if (unit === 'NANOSECONDS') return Math.trunc(n / 1_000_000);
  if (unit === 'MICROSECONDS') return Math.trunc(n / 1000);
  const ms = UNIT_MS[unit];
  if (ms === undefined) throw new RangeError(`${unit} is not a fixed-length unit`);
  return n * ms;
}

/** Calendar months added to an epoch day, clamping the day to the target month's length. */
function addMonths(epochDay: number, months: number): number {
  const { year, month, day } = civilFromDays(epochDay);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = floorMod(total, 12) + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

const calendarMonths = (unit: TimeUnit, n: number) => (unit === 'MONTHS' ? n : unit === 'YEARS' ? n * 12 : null);

function addToTimestamp(unit: TimeUnit, n: number, ts: number): number {
  const months = calendarMonths(unit, n);
  if (months === null) return ts + unitMillis(unit, n);
  const day = floorDiv(ts, MS_PER_DAY);
  return addMonths(day, months) * MS_PER_DAY + floorMod(ts, MS_PER_DAY);
}

function addToDate(unit: TimeUnit, n: number, epochDay: number): number {
  const months = calendarMonths(unit, n);
  if (months !== null) return addMonths(epochDay, months);
  // As ksqlDB: TimeUnit.MILLISECONDS.toDays truncates toward zero (`|| 0` turns -0 into 0).
  return Math.trunc((epochDay * MS_PER_DAY + unitMillis(unit, n)) / MS_PER_DAY) || 0;
}

function addToTime(unit: TimeUnit, n: number, msOfDay: number): number {
  if (calendarMonths(unit, n) !== null) throw new RangeError(`${unit} cannot be added to a TIME`);
  return floorMod(msOfDay + unitMillis(unit, n), MS_PER_DAY);
}

// ---------------------------------------------------------------- the catalogue

export const datetimeFunctions: readonly FunctionDef[] = [
  scalar('UNIX_DATE', Category.DATETIME, 'The current date as days since the epoch, or the days of a DATE.', [
    lenient([], INT, () => floorDiv(Date.now(), MS_PER_DAY)),
    strict([P_DATE], INT, (d: number) => d),
  ]),
  scalar(
    'UNIX_TIMESTAMP',
    Category.DATETIME,
    'The current time as milliseconds since the epoch, or the milliseconds of a TIMESTAMP.',
    [lenient([], BIGINT, () => BigInt(Date.now())), strict([P_TIMESTAMP], BIGINT, (t: number) => BigInt(t))],
  ),
  scalar('FROM_UNIXTIME', Category.DATETIME, 'The TIMESTAMP of a number of milliseconds since the epoch.', [
    strict([P_BIGINT], TIMESTAMP, (ms: bigint) => Number(ms)),
  ]),
  scalar('FROM_DAYS', Category.DATETIME, 'The DATE of a number of days since the epoch.', [strict([P_INT], DATE, (d: number) => d)]),
  scalar('DATETOSTRING', Category.DATETIME, 'Formats days since the epoch with a DateTimeFormatter pattern.', [
    strict([P_INT, P_STRING], STRING, (d: number, p: string) => dateTimePattern(p).format(temporalOfDate(d))),
  ]),
  scalar('STRINGTODATE', Category.DATETIME, 'Parses a date with a DateTimeFormatter pattern into days since the epoch.', [
    strict([P_STRING, P_STRING], INT, stringToDate),
  ]),
  scalar(
    'TIMESTAMPTOSTRING',
    Category.DATETIME,
    'Formats epoch milliseconds with a DateTimeFormatter pattern, in UTC or the given time zone.',
    [
      strict([P_BIGINT, P_STRING], STRING, (ms: bigint, p: string) => formatTimestamp(Number(ms), p)),
      strict([P_BIGINT, P_STRING, P_STRING], STRING, (ms: bigint, p: string, tz: string) => formatTimestamp(Number(ms), p, tz)),
    ],
  ),
  scalar(
    'STRINGTOTIMESTAMP',
    Category.DATETIME,
    'Parses a timestamp with a DateTimeFormatter pattern into epoch milliseconds, in UTC or the given time zone unless the text names one.',
    [
      strict([P_STRING, P_STRING], BIGINT, (s: string, p: string) => BigInt(parseTimestamp(s, p))),
      strict([P_STRING, P_STRING, P_STRING], BIGINT, (s: string, p: string, tz: string) => BigInt(parseTimestamp(s, p, tz))),
    ],
  ),
  scalar('FORMAT_DATE', Category.DATETIME, 'Formats a DATE with a DateTimeFormatter pattern.', [
    strict([P_DATE, P_STRING], STRING, (d: number, p: string) => dateTimePattern(p).format(temporalOfDate(d))),
  ]),
  scalar('FORMAT_TIME', Category.DATETIME, 'Formats a TIME with a DateTimeFormatter pattern.', [
    strict([P_TIME, P_STRING], STRING, (t: number, p: string) => dateTimePattern(p).format(temporalOfTime(t))),
  ]),
  scalar(
    'FORMAT_TIMESTAMP',
    Category.DATETIME,
    'Formats a TIMESTAMP with a DateTimeFormatter pattern, in UTC or the given time zone.',
    [
      strict([P_TIMESTAMP, P_STRING], STRING, (t: number, p: string) => formatTimestamp(t, p)),
      strict([P_TIMESTAMP, P_STRING, P_STRING], STRING, formatTimestamp),
    ],
  ),
  scalar('PARSE_DATE', Category.DATETIME, 'Parses a DATE with a SimpleDateFormat pattern; text after the pattern is ignored.', [
    strict([P_STRING, P_STRING], DATE, parseDate),
  ]),
  scalar('PARSE_TIME', Category.DATETIME, 'Parses a TIME with a DateTimeFormatter pattern.', [
    strict([P_STRING, P_STRING], TIME, parseTime),
  ]),
  scalar(
    'PARSE_TIMESTAMP',
    Category.DATETIME,
    'Parses a TIMESTAMP with a DateTimeFormatter pattern, in UTC or the given time zone unless the text names one.',
    [
      strict([P_STRING, P_STRING], TIMESTAMP, (s: string, p: string) => parseTimestamp(s, p)),
      strict([P_STRING, P_STRING, P_STRING], TIMESTAMP, parseTimestamp),
    ],
  ),
  scalar(
    'CONVERT_TZ',
    Category.DATETIME,
    'Shifts a TIMESTAMP from one time zone to another: adds the difference of their offsets at that instant.',
    [
      strict([P_TIMESTAMP, P_STRING, P_STRING], TIMESTAMP, (t: number, from: string, to: string) =>
        t + zoneOf(to).offsetAt(t) - zoneOf(from).offsetAt(t),
      ),
    ],
  ),
  scalar('DATEADD', Category.DATETIME, 'Adds an interval of a time unit to a DATE.', [
    strict([INTERVAL_UNIT, P_INT, P_DATE], DATE, (u: TimeUnit, n: number, d: number) => addToDate(u, n, d)),
  ]),
  scalar('DATESUB', Category.DATETIME, 'Subtracts an interval of a time unit from a DATE.', [
    strict([INTERVAL_UNIT, P_INT, P_DATE], DATE, (u: TimeUnit, n: number, d: number) => addToDate(u, -n, d)),
  ]),
  scalar('TIMEADD', Category.DATETIME, 'Adds an interval of a time unit to a TIME, wrapping around midnight.', [
    strict([INTERVAL_UNIT, P_INT, P_TIME], TIME, (u: TimeUnit, n: number, t: number) => addToTime(u, n, t)),
  ]),
  scalar('TIMESUB', Category.DATETIME, 'Subtracts an interval of a time unit from a TIME, wrapping around midnight.', [
    strict([INTERVAL_UNIT, P_INT, P_TIME], TIME, (u: TimeUnit, n: number, t: number) => addToTime(u, -n, t)),
  ]),
  scalar('TIMESTAMPADD', Category.DATETIME, 'Adds an interval of a time unit to a TIMESTAMP.', [
    strict([INTERVAL_UNIT, P_INT, P_TIMESTAMP], TIMESTAMP, (u: TimeUnit, n: number, t: number) => addToTimestamp(u, n, t)),
  ]),
  scalar('TIMESTAMPSUB', Category.DATETIME, 'Subtracts an interval of a time unit from a TIMESTAMP.', [
    strict([INTERVAL_UNIT, P_INT, P_TIMESTAMP], TIMESTAMP, (u: TimeUnit, n: number, t: number) => addToTimestamp(u, -n, t)),
  ]),
];

// java.text.SimpleDateFormat patterns, parsed the way Apache Commons' FastDateParser parses them:
// ksqlDB's PARSE_DATE uses it (unlike its other date functions, which use DateTimeFormatter), so
// this is what PARSE_DATE accepts:
// - the letters are SimpleDateFormat's (`u` is the day of the week, `S` milliseconds, `yy` a
//   year within 80 years before and 20 after today);
// - parsing stops when the pattern is used up, so text after it is ignored: '2003-12-24-01-01'
//   parses with 'yyyy-MM-dd';
// - a number field takes every digit there is, unless the next field is a number too, in which
//   case it takes exactly as many as its letters (so 'yyyyMMdd' reads '20200526');
// - month, weekday, era and AM/PM names match without regard to case, literals exactly;
// - the calendar is lenient: month 13 is January of the next year, day 32 rolls into the next
//   month, and fields left out default to 1970-01-01T00:00:00.000.
// Week-based fields (w, W, F) are read but, as in a cleared lenient calendar given a day of the
// month, do not move the date; dates use the proleptic Gregorian calendar throughout.

import { MS_PER_DAY, daysFromCivil, floorDiv, floorMod } from '../../planner/values/calendar.js';
import { parseZoneText } from './datetime-format.js';
import { formatOffsetId, localToInstant, zoneOf, type Zone } from './timezones.js';

type Field =
  | 'year'
  | 'twoDigitYear'
  | 'month'
  | 'day'
  | 'dayOfYear'
  | 'dayOfWeek'
  | 'ignored'
  | 'hourOfDay'
  | 'hour24'
  | 'hour'
  | 'hour12'
  | 'minute'
  | 'second'
  | 'milli';

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'number'; readonly field: Field; readonly width: number }
  | { readonly kind: 'text'; readonly names: ReadonlyMap<string, number>; readonly set: 'month' | 'dayOfWeek' | 'era' | 'ampm' }
  | { readonly kind: 'zone'; readonly letter: 'z' | 'X'; readonly width: number };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
// Calendar's day numbers: Sunday is 1.
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Long and short display names, lower-cased, to their Calendar values. */
function names(entries: readonly (readonly [string, number])[]): ReadonlyMap<string, number> {
  return new Map(entries.map(([name, v]) => [name.toLowerCase(), v]));
}
const MONTH_NAMES = names(MONTHS.flatMap((m, i) => [[m, i] as const, [m.slice(0, 3), i] as const]));
const WEEKDAY_NAMES = names(WEEKDAYS.flatMap((d, i) => [[d, i + 1] as const, [d.slice(0, 3), i + 1] as const]));
const ERA_NAMES = names([['BC', 0], ['AD', 1], ['Before Christ', 0], ['Anno Domini', 1]]);
const AMPM_NAMES = names([['AM', 0], ['PM', 1]]);

function fieldToken(letter: string, width: number): Token {
  const number = (field: Field): Token => ({ kind: 'number', field, width });
  switch (letter) {
    case 'y':
    case 'Y':
      return number(width > 2 ? 'year' : 'twoDigitYear');
    case 'M':
    case 'L':
      return width >= 3 ? { kind: 'text', names: MONTH_NAMES, set: 'month' } : number('month');
    case 'd':
      return number('day');
    case 'D':
      return number('dayOfYear');
    case 'E':
      return { kind: 'text', names: WEEKDAY_NAMES, set: 'dayOfWeek' };
    case 'u':
      return number('dayOfWeek');
    case 'F':
    case 'W':
    case 'w':
      return number('ignored');
    case 'G':
      return { kind: 'text', names: ERA_NAMES, set: 'era' };
    case 'a':
      return { kind: 'text', names: AMPM_NAMES, set: 'ampm' };
    case 'H':
      return number('hourOfDay');
    case 'k':
      return number('hour24');
    case 'K':
      return number('hour');
    case 'h':
      return number('hour12');
    case 'm':
      return number('minute');
    case 's':
      return number('second');
    case 'S':
      return number('milli');
    case 'X':
      if (width > 3) throw new RangeError('invalid number of X');
      return { kind: 'zone', letter: 'X', width };
    case 'Z':
      // ZZ is ISO 8601 with a colon; Z and ZZZ... read like z.
      return width === 2 ? { kind: 'zone', letter: 'X', width: 3 } : { kind: 'zone', letter: 'z', width };
    case 'z':
      return { kind: 'zone', letter: 'z', width };
    default:
      throw new RangeError(`Format '${letter}' not supported`);
  }
}

const isLetter = (c: string): boolean => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (isLetter(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push(fieldToken(c, j - i));
      i = j;
      continue;
    }
    // A literal runs until the next unquoted letter; '' is a quote, inside quotes or out.
    let text = '';
    let quoted = false;
    while (i < pattern.length) {
      const ch = pattern[i]!;
      if (!quoted && isLetter(ch)) break;
      if (ch === "'") {
        if (pattern[i + 1] === "'") {
          text += "'";
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
        continue;
      }
      text += ch;
      i++;
    }
    if (quoted) throw new RangeError('Unterminated quote');
    tokens.push({ kind: 'literal', text });
  }
  return tokens;
}

/** What a parse set, with the order it set it in where the calendar lets the latest win. */
interface Fields {
  values: Partial<Record<Field | 'era' | 'ampm', number>>;
  /** Position at which each field was last set. */
  order: Partial<Record<Field | 'era' | 'ampm', number>>;
  zone?: Zone;
}

/** A two-digit year resolved as SimpleDateFormat does: within 80 years before and 20 after now. */
function adjustTwoDigitYear(yy: number): number {
  const centuryStart = new Date().getUTCFullYear() - 80;
  const century = Math.floor(centuryStart / 100) * 100;
  return yy >= centuryStart - century ? century + yy : century + yy + 100;
}

function setNumber(f: Fields, field: Field, v: number, at: number): void {
  switch (field) {
    case 'twoDigitYear':
      f.values.year = v < 100 ? adjustTwoDigitYear(v) : v;
      f.order.year = at;
      return;
    case 'month':
      f.values.month = v - 1;
      break;
    case 'dayOfWeek':
      // `u`: 1 is Monday ... 7 Sunday; Calendar counts from Sunday.
      f.values.dayOfWeek = v === 7 ? 1 : v + 1;
      break;
    case 'hour24':
      f.values.hourOfDay = v === 24 ? 0 : v;
      f.order.hourOfDay = at;
      return;
    case 'hour12':
      f.values.hour = v === 12 ? 0 : v;
      f.order.hour = at;
      return;
    default:
      f.values[field] = v;
  }
  f.order[field] = at;
}

/** The zone `z` / `X` text at `pos` names, and where it ends. */
function parseZone(text: string, pos: number, t: Extract<Token, { kind: 'zone' }>): [Zone, number] | null {
  if (t.letter === 'z') return parseZoneText(text, pos, 'z');
  const shapes = [/^[+-]\d{2}/, /^[+-]\d{4}/, /^[+-]\d{2}:\d{2}/];
  if (text[pos] === 'Z') return [zoneOf('UTC'), pos + 1];
  const m = shapes[t.width - 1]!.exec(text.slice(pos));
  if (!m) return null;
  const digits = m[0].replace(':', '');
  const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0)) * 60_000;
  return [zoneOf(formatOffsetId(digits[0] === '-' ? -offset : offset)), pos + m[0].length];
}

/** Reads the tokens from the start of `text`; null when it does not match. Trailing text is ignored. */
function parseTokens(tokens: readonly Token[], text: string): Fields | null {
  const f: Fields = { values: {}, order: {} };
  let pos = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'literal':
        if (!text.startsWith(t.text, pos)) return null;
        pos += t.text.length;
        break;
      case 'number': {
        // Only a number followed directly by another number is held to its width.
        const bounded = tokens[i + 1]?.kind === 'number';
        if (!bounded) while (pos < text.length && /\s/.test(text[pos]!)) pos++;
        const limit = bounded ? Math.min(text.length, pos + t.width) : text.length;
        let end = pos;
        while (end < limit && text[end]! >= '0' && text[end]! <= '9') end++;
        if (end === pos) return null;
        const v = Number(text.slice(pos, end));
        if (v > 2147483647) throw new RangeError(`For input string: "${text.slice(pos, end)}"`);
        setNumber(f, t.field, v, i);
        pos = end;
        break;
      }
      case 'text': {
        // Longest name first, so "May" never cuts "Mayday"-like candidates short.
        let match: [string, number] | undefined;
        for (const [name, v] of t.names) {
          if (text.slice(pos, pos + name.length).toLowerCase() === name && name.length > (match?.[0].length ?? 0)) match = [name, v];
        }
        if (!match) return null;
        f.values[t.set] = match[1];
        f.order[t.set] = i;
        pos += match[0].length;
        break;
      }
      case 'zone': {
        const z = parseZone(text, pos, t);
        if (!z) return null;
        f.zone = z[0];
        pos = z[1];
        break;
      }
    }
  }
  return f;
}

const later = (a: number | undefined, b: number | undefined): boolean => a !== undefined && (b === undefined || a > b);

/** Epoch milliseconds of what was parsed, as a cleared lenient GregorianCalendar computes them. */
function resolve(f: Fields, defaultZone: Zone): number {
  const v = f.values;
  let year = v.year ?? 1970;
  if (v.era === 0) year = 1 - year;
  const monthIndex = v.month ?? 0;
  year += floorDiv(monthIndex, 12);
  const month = floorMod(monthIndex, 12) + 1;
  let epochDay: number;
  if (later(f.order.dayOfYear, f.order.day)) {
    epochDay = daysFromCivil(year, 1, 1) + v.dayOfYear! - 1;
  } else if (v.day !== undefined) {
    epochDay = daysFromCivil(year, month, 1) + v.day - 1;
  } else if (v.dayOfWeek !== undefined) {
    // A weekday alone picks its first occurrence in the month.
    const first = daysFromCivil(year, month, 1);
    const firstWeekday = floorMod(first + 4, 7) + 1; // 1970-01-01 was a Thursday (5)
    epochDay = first + floorMod(v.dayOfWeek - firstWeekday, 7);
  } else {
    epochDay = daysFromCivil(year, month, 1);
  }
  let hours: number;
  if (later(f.order.hourOfDay, Math.max(f.order.hour ?? -1, f.order.ampm ?? -1))) hours = v.hourOfDay!;
  else hours = (v.hour ?? 0) + 12 * (v.ampm ?? 0);
  const ms = ((hours * 60 + (v.minute ?? 0)) * 60 + (v.second ?? 0)) * 1000 + (v.milli ?? 0);
  return localToInstant(epochDay * MS_PER_DAY + ms, f.zone ?? defaultZone);
}

/** A compiled SimpleDateFormat pattern. */
export class SimpleDatePattern {
  private readonly tokens: readonly Token[];

  constructor(readonly pattern: string) {
    this.tokens = tokenize(pattern);
  }

  /** Epoch milliseconds of `text`, read in `zone` unless it names its own. */
  parse(text: string, zone: Zone): number {
    const f = parseTokens(this.tokens, text);
    if (f === null) throw new RangeError(`Unparseable date: "${text}"`);
    return resolve(f, zone);
  }
}

const patterns = new Map<string, SimpleDatePattern>();

/** Compiled patterns are cached: the same few patterns are used for every record. */
export function simpleDatePattern(pattern: string): SimpleDatePattern {
  let p = patterns.get(pattern);
  if (!p) {
    p = new SimpleDatePattern(pattern);
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, p);
  }
  return p;
}

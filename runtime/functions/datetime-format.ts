// Java DateTimeFormatter patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSX`), which ksqlDB's date and time
// functions take. A pattern compiles once into tokens; formatting reads calendar fields of a
// DATE, TIME or instant-in-a-zone, and parsing (case-insensitive, as ksqlDB configures it)
// yields fields that `resolve` turns back into epoch values. Defaults follow ksqlDB: a missing
// date is 1970-01-01, a missing time is midnight, a missing zone is the caller's.

import { MS_PER_DAY, civilFromDays, daysFromCivil, daysInMonth, floorDiv, floorMod } from '../../planner/values/calendar.js';
import { ZONE_NAMES, formatOffsetId, localToInstant, parseOffset, zoneOf, type Zone } from './timezones.js';

type Token =
  | { readonly kind: 'lit'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'opt'; readonly tokens: readonly Token[] };

const LETTERS = new Set('GuyYQqMLwdDEecaHhKkmsSAnNVzOXxZ'.split(''));

function tokenize(pattern: string): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        top().push({ kind: 'lit', text: "'" });
        i += 2;
        continue;
      }
      // Inside quotes, '' is a literal quote.
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new RangeError(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j++];
      }
      top().push({ kind: 'lit', text });
      i = j + 1;
    } else if (c === '[') {
      const inner: Token[] = [];
      top().push({ kind: 'opt', tokens: inner });
      stack.push(inner);
      i++;
    } else if (c === ']') {
      if (stack.length === 1) throw new RangeError(`Pattern invalid as it contains ] without previous [: ${pattern}`);
      stack.pop();
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new RangeError(`Unknown pattern letter: ${c}`);
      let j = i;
      while (pattern[j] === c) j++;
      top().push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new RangeError(`Pattern includes reserved character: '${c}'`);
    } else {
      top().push({ kind: 'lit', text: c });
      i++;
    }
  }
  return root;
}

// ---------------------------------------------------------------- formatting

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

/** What a pattern formats: a DATE, a TIME, or an instant seen in a zone. */
export interface Temporal {
  readonly epochDay: number | null;
  readonly msOfDay: number | null;
  readonly instant: { readonly epochMs: number; readonly zone: Zone } | null;
}

export const temporalOfDate = (epochDay: number): Temporal => ({ epochDay, msOfDay: null, instant: null });
export const temporalOfTime = (msOfDay: number): Temporal => ({ epochDay: null, msOfDay, instant: null });
export function temporalOfInstant(epochMs: number, zone: Zone): Temporal {
  const local = epochMs + zone.offsetAt(epochMs);
  return { epochDay: floorDiv(local, MS_PER_DAY), msOfDay: floorMod(local, MS_PER_DAY), instant: { epochMs, zone } };
}

function unsupported(field: string): never {
  throw new RangeError(`Unsupported field: ${field}`);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + s.padStart(width, '0');
}

/** Years as appendValue(YEAR, count, 19, EXCEEDS_PAD) prints them; `yy` keeps two digits. */
function formatYear(year: number, count: number): string {
  if (count === 2) return pad(floorMod(year, 100), 2);
  const s = pad(year, count);
  return count >= 4 && year > 10 ** count - 1 ? '+' + s : s;
}

/** ISO week-based year and week of an epoch day. */
function isoWeek(epochDay: number): { year: number; week: number } {
  const dow = floorMod(epochDay + 3, 7); // 0 = Monday
  const thursday = epochDay - dow + 3;
  const year = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
  return { year, week };
}

/** An offset in one of Java's offset styles; `noOffset` is printed for zero (X's `Z`). */
function formatOffset(offsetMs: number, style: 'HHmm' | 'HHMM' | 'HH:MM' | 'HHMMss' | 'HH:MM:ss', noOffset: string): string {
  if (offsetMs === 0) return noOffset;
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offsetMs) / 1000);
  const h = pad(Math.floor(total / 3600), 2);
  const m = pad(Math.floor((total % 3600) / 60), 2);
  const sec = total % 60;
  const s = pad(sec, 2);
  switch (style) {
    case 'HHmm':
      return sign + h + (m !== '00' ? m : '');
    case 'HHMM':
      return sign + h + m;
    case 'HH:MM':
      return `${sign}${h}:${m}`;
    case 'HHMMss':
      return sign + h + m + (sec ? s : '');
    case 'HH:MM:ss':
      return `${sign}${h}:${m}${sec ? ':' + s : ''}`;
  }
}

const OFFSET_STYLES = ['HHmm', 'HHMM', 'HH:MM', 'HHMMss', 'HH:MM:ss'] as const;

function localizedOffset(offsetMs: number, full: boolean): string {
  if (offsetMs === 0) return 'GMT';
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.abs(offsetMs) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (full) return `GMT${sign}${pad(h, 2)}:${pad(m, 2)}`;
  return `GMT${sign}${h}${m ? ':' + pad(m, 2) : ''}`;
}

function formatField(letter: string, count: number, t: Temporal): string {
  const date = () => (t.epochDay === null ? unsupported(letter === 'd' ? 'DayOfMonth' : 'Date') : civilFromDays(t.epochDay));
  const time = () => (t.msOfDay === null ? unsupported('HourOfDay') : t.msOfDay);
  const zone = () => t.instant ?? unsupported('OffsetSeconds');
  const offset = () => {
    const z = zone();
    return z.zone.offsetAt(z.epochMs);
  };
  const num = (n: number) => (count === 1 ? String(n) : pad(n, count));
  switch (letter) {
    case 'G': {
      const ad = date().year > 0;
      return count === 4 ? (ad ? 'Anno Domini' : 'Before Christ') : count === 5 ? (ad ? 'A' : 'B') : ad ? 'AD' : 'BC';
    }
    case 'u':
      return formatYear(date().year, count);
    case 'y': {
      const y = date().year;
      return formatYear(y > 0 ? y : 1 - y, count);
    }
    case 'Y':
      return formatYear(isoWeek(t.epochDay ?? unsupported('WeekBasedYear')).year, count);
    case 'w':
      return num(isoWeek(t.epochDay ?? unsupported('WeekOfWeekBasedYear')).week);
    case 'Q':
    case 'q': {
      const q = Math.floor((date().month - 1) / 3);
      return count <= 2 ? num(q + 1) : count === 3 ? `Q${q + 1}` : QUARTERS[q]!;
    }
    case 'M':
    case 'L': {
      const m = date().month;
      if (count <= 2) return num(m);
      const name = MONTHS[m - 1]!;
      return count === 3 ? name.slice(0, 3) : count === 4 ? name : name[0]!;
    }
    case 'd':
      return num(date().day);
    case 'D': {
      const d = date();
      return num(t.epochDay! - daysFromCivil(d.year, 1, 1) + 1);
    }
    case 'E':
    case 'e':
    case 'c': {
      const dow = floorMod((t.epochDay ?? unsupported('DayOfWeek')) + 3, 7); // 0 = Monday
      if (letter !== 'E' && count <= 2) return num(dow + 1);
      const name = DAYS[dow]!;
      return count === 4 ? name : count === 5 ? name[0]! : name.slice(0, 3);
    }
    case 'a':
      return time() < 12 * 3_600_000 ? 'AM' : 'PM';
    case 'H':
      return num(Math.floor(time() / 3_600_000));
    case 'k':
      return num(Math.floor(time() / 3_600_000) || 24);
    case 'K':
      return num(Math.floor(time() / 3_600_000) % 12);
    case 'h':
      return num(Math.floor(time() / 3_600_000) % 12 || 12);
    case 'm':
      return num(Math.floor(time() / 60_000) % 60);
    case 's':
      return num(Math.floor(time() / 1000) % 60);
    case 'S':
      return pad((time() % 1000) * 1_000_000, 9).slice(0, count).padEnd(count, '0');
    case 'A':
      return num(time());
    case 'n':
      return num((time() % 1000) * 1_000_000);
    case 'N':
      return num(time() * 1_000_000);
    case 'V':
      return zone().zone.id;
    case 'z': {
      const z = zone();
      return count === 4 ? z.zone.longName(z.epochMs) : z.zone.shortName(z.epochMs);
    }
    case 'O':
      return localizedOffset(offset(), count === 4);
    case 'X':
      return formatOffset(offset(), OFFSET_STYLES[count - 1] ?? 'HH:MM:ss', 'Z');
    case 'x':
      return formatOffset(offset(), OFFSET_STYLES[count - 1] ?? 'HH:MM:ss', count === 1 ? '+00' : count % 2 === 0 ? '+0000' : '+00:00');
    case 'Z':
      return count <= 3
        ? formatOffset(offset(), 'HHMM', '+0000')
        : count === 4
          ? localizedOffset(offset(), true)
          : formatOffset(offset(), 'HH:MM:ss', 'Z');
    default:
      return unsupported(letter);
  }
}

// ---------------------------------------------------------------- parsing

/** The fields a parse found; `resolve` applies ksqlDB's defaults. */
export interface ParsedFields {
  year?: number;
  yearOfEra?: number;
  bc?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  nano?: number;
  milliOfDay?: number;
  zone?: Zone;
}

/** Numeric fields: [min digits, max digits] by letter and count. */
function widths(letter: string, count: number): [number, number] | null {
  switch (letter) {
    case 'u':
    case 'y':
    case 'Y':
      return count === 2 ? [2, 2] : [count, 19];
    case 'D':
      return count === 1 ? [1, 19] : count === 2 ? [2, 3] : [3, 3];
    case 'S':
      return [count, count];
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'e':
    case 'c':
      return count <= 2 ? (count === 1 ? [1, 19] : [2, 2]) : null;
    case 'd':
    case 'H':
    case 'h':
    case 'K':
    case 'k':
    case 'm':
    case 's':
    case 'w':
      return count === 1 ? [1, 19] : [count, count];
    case 'A':
    case 'n':
    case 'N':
      return [count, 19];
    default:
      return null;
  }
}

function fixedWidth(t: Token): number | null {
  if (t.kind !== 'field') return null;
  const w = widths(t.letter, t.count);
  return w && w[0] === w[1] ? w[0] : null;
}

class ParseError extends RangeError {}

function matchWord(text: string, pos: number, words: readonly string[]): [number, number] | null {
  // Longest first, so that "May" does not shadow a longer candidate.
  const order = words.map((w, i) => [w, i] as const).sort((a, b) => b[0].length - a[0].length);
  for (const [w, i] of order) {
    if (text.slice(pos, pos + w.length).toLowerCase() === w.toLowerCase()) return [i, pos + w.length];
  }
  return null;
}

const OFFSET_TEXT = /^[+-]\d{1,2}(?::?\d{2}){0,2}/;
const REGION_TEXT = /^[A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)+/;
const ZONE_ABBREVIATIONS = Object.keys(ZONE_NAMES);

/** The zone that zone text at `pos` names, read as pattern letter `letter` reads it, and where it ends. */
export function parseZoneText(text: string, pos: number, letter: string): [Zone, number] | null {
  const rest = text.slice(pos);
  if (letter === 'X' || letter === 'x' || letter === 'Z') {
    if (/^z/i.test(rest) && letter !== 'x') return [zoneOf('Z'), pos + 1];
    const m = OFFSET_TEXT.exec(rest);
    const off = m && parseOffset(m[0]);
    return off === null || off === undefined ? null : [zoneOf(formatOffsetId(off)), pos + m![0].length];
  }
  if (letter === 'O') {
    const m = /^GMT([+-]\d{1,2}(?::\d{2})?)?/i.exec(rest);
    if (!m) return null;
    const off = m[1] ? parseOffset(m[1]) : 0;
    return off === null ? null : [zoneOf(formatOffsetId(off)), pos + m[0].length];
  }
  const region = REGION_TEXT.exec(rest);
  if (region) {
    try {
      return [zoneOf(region[0]), pos + region[0].length];
    } catch {
      // not a region id; try the names below
    }
  }
  const prefixed = /^(?:UTC|GMT|UT)[+-]\d{1,2}(?::?\d{2})?/i.exec(rest);
  if (prefixed) return [zoneOf(prefixed[0].toUpperCase()), pos + prefixed[0].length];
  const name = matchWord(text, pos, ZONE_ABBREVIATIONS);
  if (name) return [zoneOf(ZONE_NAMES[ZONE_ABBREVIATIONS[name[0]]!]!), name[1]];
  const off = OFFSET_TEXT.exec(rest);
  if (off && parseOffset(off[0]) !== null) return [zoneOf(formatOffsetId(parseOffset(off[0])!)), pos + off[0].length];
  return null;
}

function setNumeric(f: ParsedFields, letter: string, count: number, v: number, digits: number): void {
  switch (letter) {
    case 'u':
      f.year = count === 2 ? 2000 + v : v;
      break;
    case 'y':
    case 'Y':
      f.yearOfEra = count === 2 ? 2000 + v : v;
      break;
    case 'M':
    case 'L':
      f.month = v;
      break;
    case 'Q':
    case 'q':
      f.month ??= (v - 1) * 3 + 1;
      break;
    case 'd':
      f.day = v;
      break;
    case 'D':
      f.dayOfYear = v;
      break;
    case 'H':
      f.hour = v;
      break;
    case 'k':
      f.hour = v === 24 ? 0 : v;
      break;
    case 'h':
      f.hour12 = v === 12 ? 0 : v;
      break;
    case 'K':
      f.hour12 = v;
      break;
    case 'm':
      f.minute = v;
      break;
    case 's':
      f.second = v;
      break;
    case 'S':
      f.nano = v * 10 ** (9 - digits);
      break;
    case 'n':
      f.nano = v;
      break;
    case 'A':
      f.milliOfDay = v;
      break;
    case 'N':
      f.milliOfDay = Math.floor(v / 1_000_000);
      break;
    default:
      // e / c / w carry nothing the resolver uses.
      break;
  }
}

function parseTokens(tokens: readonly Token[], text: string, start: number, f: ParsedFields): number {
  let pos = start;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'lit') {
      if (text.slice(pos, pos + t.text.length).toLowerCase() !== t.text.toLowerCase()) return -1;
      pos += t.text.length;
      continue;
    }
    if (t.kind === 'opt') {
      const trial: ParsedFields = { ...f };
      const end = parseTokens(t.tokens, text, pos, trial);
      if (end >= 0) {
        Object.assign(f, trial);
        pos = end;
      }
      continue;
    }
    const w = widths(t.letter, t.count);
    if (w) {
      let avail = 0;
      while (pos + avail < text.length && /[0-9]/.test(text[pos + avail]!)) avail++;
      // Adjacent value parsing: a variable-width field leaves room for fixed-width ones after it.
      let reserved = 0;
      if (w[0] !== w[1]) {
        for (let j = i + 1; j < tokens.length; j++) {
          const fw = fixedWidth(tokens[j]!);
          if (fw === null) break;
          reserved += fw;
        }
      }
      const take = Math.min(w[1], Math.max(w[0], avail - reserved));
      if (take > avail || take < w[0]) return -1;
      setNumeric(f, t.letter, t.count, Number(text.slice(pos, pos + take)), take);
      pos += take;
      continue;
    }
    switch (t.letter) {
      case 'M':
      case 'L': {
        const names = t.count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS;
        const m = matchWord(text, pos, names);
        if (!m) return -1;
        f.month = m[0] + 1;
        pos = m[1];
        break;
      }
      case 'E':
      case 'e':
      case 'c': {
        const m = matchWord(text, pos, t.count === 4 ? DAYS : DAYS.map((d) => d.slice(0, 3)));
        if (!m) return -1;
        pos = m[1];
        break;
      }
      case 'a': {
        const m = matchWord(text, pos, ['AM', 'PM']);
        if (!m) return -1;
        f.pm = m[0] === 1;
        pos = m[1];
        break;
      }
      case 'G': {
        const m = matchWord(text, pos, t.count === 4 ? ['Before Christ', 'Anno Domini'] : ['BC', 'AD']);
        if (!m) return -1;
        f.bc = m[0] === 0;
        pos = m[1];
        break;
      }
      case 'V':
      case 'z':
      case 'O':
      case 'X':
      case 'x':
      case 'Z': {
        const z = parseZoneText(text, pos, t.letter);
        if (!z) return -1;
        f.zone = z[0];
        pos = z[1];
        break;
      }
      default:
        return -1;
    }
  }
  return pos;
}

export interface Resolved {
  readonly epochDay: number;
  readonly msOfDay: number;
  /** The instant, in the parsed zone or else the default one. */
  readonly epochMs: number;
}

/** Applies ksqlDB's defaults (1970-01-01T00:00 in the zone) to what was parsed. */
export function resolve(f: ParsedFields, defaultZone: Zone, text: string): Resolved {
  const bad = (what: string) => new RangeError(`Text '${text}' could not be parsed: Invalid value for ${what}`);
  let year = f.year ?? (f.yearOfEra !== undefined ? (f.bc ? 1 - f.yearOfEra : f.yearOfEra) : 1970);
  let month = f.month ?? 1;
  let day = f.day ?? 1;
  if (f.dayOfYear !== undefined) {
    const d = civilFromDays(daysFromCivil(year, 1, 1) + f.dayOfYear - 1);
    if (f.dayOfYear < 1 || d.year !== year) throw bad('DayOfYear');
    year = d.year;
    month = d.month;
    day = d.day;
  }
  if (month < 1 || month > 12) throw bad('MonthOfYear');
  if (day < 1 || day > 31) throw bad('DayOfMonth');
  // Resolver SMART: a day past the month's end becomes its last day.
  day = Math.min(day, daysInMonth(year, month));
  let msOfDay: number;
  if (f.milliOfDay !== undefined) {
    msOfDay = f.milliOfDay;
  } else {
    const hour = f.hour ?? (f.hour12 !== undefined || f.pm !== undefined ? (f.hour12 ?? 0) + (f.pm ? 12 : 0) : 0);
    const minute = f.minute ?? 0;
    const second = f.second ?? 0;
    if (hour > 23) throw bad('HourOfDay');
    if (minute > 59) throw bad('MinuteOfHour');
    if (second > 59) throw bad('SecondOfMinute');
    msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor((f.nano ?? 0) / 1_000_000);
  }
  const epochDay = daysFromCivil(year, month, day);
  const epochMs = localToInstant(epochDay * MS_PER_DAY + msOfDay, f.zone ?? defaultZone);
  return { epochDay, msOfDay, epochMs };
}

/** A compiled pattern. */
export class DateTimePattern {
  private readonly tokens: readonly Token[];

  constructor(readonly pattern: string) {
    this.tokens = tokenize(pattern);
  }

  format(t: Temporal): string {
    const out: string[] = [];
    const walk = (tokens: readonly Token[]) => {
      for (const tok of tokens) {
        if (tok.kind === 'lit') out.push(tok.text);
        else if (tok.kind === 'opt') walk(tok.tokens);
        else out.push(formatField(tok.letter, tok.count, t));
      }
    };
    walk(this.tokens);
    return out.join('');
  }

  parse(text: string): ParsedFields {
    const f: ParsedFields = {};
    const end = parseTokens(this.tokens, text, 0, f);
    if (end < 0) throw new ParseError(`Text '${text}' could not be parsed with pattern '${this.pattern}'`);
    if (end !== text.length) throw new ParseError(`Text '${text}' could not be parsed, unparsed text found at index ${end}`);
    return f;
  }
}

const patterns = new Map<string, DateTimePattern>();

/** Compiled patterns are cached: the same few patterns are used for every record. */
export function dateTimePattern(pattern: string): DateTimePattern {
  let p = patterns.get(pattern);
  if (!p) {
    p = new DateTimePattern(pattern);
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, p);
  }
  return p;
}

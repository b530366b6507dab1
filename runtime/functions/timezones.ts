// Time zones as java.time's ZoneId sees them: fixed offsets (`+02:00`, `UTC+2`, `Z`), region
// ids (`America/Los_Angeles`, with daylight saving from the platform's tz database via Intl),
// and Java's legacy three-letter ids (`PST` is America/Los_Angeles, not a fixed -08:00).

import { MS_PER_DAY, daysFromCivil, floorDiv, floorMod } from '../../planner/values/calendar.js';

export interface Zone {
  /** The id as java.time prints it (`America/Los_Angeles`, `+02:00`, `UTC`, `Z`). */
  readonly id: string;
  /** Offset from UTC in milliseconds at an instant. */
  offsetAt(epochMs: number): number;
  /** The short name Java's `z` pattern prints (`PDT`, `BST`, `UTC`). */
  shortName(epochMs: number): string;
  /** The long name Java's `zzzz` pattern prints (`Pacific Daylight Time`). */
  longName(epochMs: number): string;
}

/** java.time.ZoneId.SHORT_IDS: what TimeZone.getTimeZone makes of three-letter ids. */
const SHORT_IDS: Readonly<Record<string, string>> = {
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  EST: '-05:00',
  HST: '-10:00',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  MST: '-07:00',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
};

/**
 * Zone names as they appear in text parsed with the `z` pattern, mapped to the region whose
 * rules then apply (so `PST` in May parses as daylight time, as in Java).
 */
export const ZONE_NAMES: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  GMT: 'GMT',
  UT: 'UTC',
  Z: 'Z',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  PT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  BST: 'Europe/London',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  EET: 'Europe/Athens',
  EEST: 'Europe/Athens',
  MSK: 'Europe/Moscow',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  KST: 'Asia/Seoul',
  HKT: 'Asia/Hong_Kong',
  SGT: 'Asia/Singapore',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  ACST: 'Australia/Adelaide',
  ACDT: 'Australia/Adelaide',
  AWST: 'Australia/Perth',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland',
};

const OFFSET_RE = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/** `+2`, `+02`, `+0200`, `+02:00`, `+02:00:30` → milliseconds; null when not an offset. */
export function parseOffset(text: string): number | null {
  const m = OFFSET_RE.exec(text);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  const s = Number(m[4] ?? 0);
  if (h > 18 || min > 59 || s > 59) return null;
  return (m[1] === '-' ? -1 : 1) * ((h * 60 + min) * 60 + s) * 1000;
}

/** `+02:00`, `-05:30`, `Z` for zero: ZoneOffset.getId(). */
export function formatOffsetId(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.abs(offsetMs) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${sign}${two(h)}:${two(m)}${s ? ':' + two(s) : ''}`;
}

class FixedZone implements Zone {
  constructor(
    readonly id: string,
    private readonly offset: number,
  ) {}
  offsetAt(): number {
    return this.offset;
  }
  shortName(): string {
    return this.id;
  }
  longName(): string {
    return this.id === 'UTC' ? 'Coordinated Universal Time' : this.id === 'GMT' ? 'Greenwich Mean Time' : this.id;
  }
}

const FIFTEEN_MINUTES = 900_000;

class RegionZone implements Zone {
  private readonly parts: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly id: string) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  offsetAt(epochMs: number): number {
    // Offsets change on quarter-hour boundaries in every real zone, so one lookup serves a
    // whole 15-minute bucket; the map keeps per-record formatting cheap.
    const bucket = floorDiv(epochMs, FIFTEEN_MINUTES);
    let off = this.offsets.get(bucket);
    if (off === undefined) {
      off = this.computeOffset(bucket * FIFTEEN_MINUTES);
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(bucket, off);
    }
    return off;
  }

  private computeOffset(epochMs: number): number {
    const f: Record<string, string> = {};
    for (const p of this.parts.formatToParts(new Date(epochMs))) f[p.type] = p.value;
    const year = f.era === 'BC' || f.era === 'B' ? 1 - Number(f.year) : Number(f.year);
    const local =
      daysFromCivil(year, Number(f.month), Number(f.day)) * MS_PER_DAY +
      ((Number(f.hour) * 60 + Number(f.minute)) * 60 + Number(f.second)) * 1000;
    return local - (epochMs - floorMod(epochMs, 1000));
  }

  shortName(epochMs: number): string {
    if (this.id === 'GMT' || this.id === 'Etc/GMT') return 'GMT';
    for (const locale of ['en-US', 'en-GB']) {
      const name = zoneName(locale, this.id, 'short', epochMs);
      if (!/^GMT[+-]/.test(name)) return name;
    }
    // Intl knows no abbreviation; Java's names are mostly the initials of the long name.
    const long = this.longName(epochMs);
    if (!/^GMT/.test(long)) return long.split(/\s+/).map((w) => w[0]!.toUpperCase()).join('');
    return 'GMT' + formatOffsetId(this.offsetAt(epochMs)).replace('Z', '');
  }

  longName(epochMs: number): string {
    return zoneName('en-US', this.id, 'long', epochMs);
  }
}

const nameFormats = new Map<string, Intl.DateTimeFormat>();

function zoneName(locale: string, id: string, style: 'short' | 'long', epochMs: number): string {
  const key = `${locale}|${id}|${style}`;
  let f = nameFormats.get(key);
  if (!f) nameFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: id, timeZoneName: style })));
  return f.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? id;
}

const zones = new Map<string, Zone>();

/**
 * ZoneId.of: `Z`, `UTC`, `GMT`, offsets (`+02:00`, `-0530`), prefixed offsets (`UTC+2`,
 * `GMT-05:00`), region ids, and the legacy three-letter ids. Throws RangeError for unknown ids.
 */
export function zoneOf(id: string): Zone {
  let z = zones.get(id);
  if (z) return z;
  z = makeZone(id);
  zones.set(id, z);
  return z;
}

function makeZone(id: string): Zone {
  if (id === 'Z') return new FixedZone('Z', 0);
  if (id === 'UTC' || id === 'GMT' || id === 'UT') return new FixedZone(id, 0);
  const off = parseOffset(id);
  if (off !== null) return new FixedZone(formatOffsetId(off), off);
  const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
  if (prefixed) {
    const o = parseOffset(prefixed[2]!);
    if (o === null) throw new RangeError(`Invalid ID for offset-based ZoneId: ${id}`);
    return new FixedZone(prefixed[1] + formatOffsetId(o).replace('Z', ''), o);
  }
  const legacy = SHORT_IDS[id];
  if (legacy) return makeZone(legacy);
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`Unknown time-zone ID: ${id}`);
  }
  return new RegionZone(canonical === 'UTC' && id !== 'UTC' ? id : canonical);
}

/**
 * The instant at which a zone's wall clock shows `localMs` (local fields encoded as if UTC).
 * As ZonedDateTime.ofLocal: in an overlap the earlier offset wins, and a time in a gap moves
 * forward by the length of the gap.
 */
export function localToInstant(localMs: number, zone: Zone): number {
  const before = zone.offsetAt(localMs - MS_PER_DAY);
  const after = zone.offsetAt(localMs + MS_PER_DAY);
  const t1 = localMs - before;
  if (zone.offsetAt(t1) === before) return t1;
  const t2 = localMs - after;
  if (zone.offsetAt(t2) === after) return t2;
  return t1;
}

/** The wall-clock fields of an instant in a zone, as milliseconds-as-if-UTC. */
export function instantToLocal(epochMs: number, zone: Zone): number {
  return epochMs + zone.offsetAt(epochMs);
}


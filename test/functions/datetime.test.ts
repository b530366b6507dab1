import { describe, expect, it } from 'vitest';
import { BIGINT, DATE, INT, STRING, TIME, TIMESTAMP } from '../../planner/types.js';
import { dateTimePattern, resolve as resolveFields, temporalOfInstant } from '../../runtime/functions/datetime-format.js';
import { civilFromDays, daysFromCivil } from '../../planner/values/calendar.js';
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from '../../planner/values/temporal.js';
import { localToInstant, zoneOf } from '../../runtime/functions/timezones.js';
import { col, lit, run, unit, type Arg } from './harness.js';

const s = (v: string | null) => col(STRING, v);
const p = (pattern: string) => lit(STRING, pattern);
const ts = (v: number | null) => col(TIMESTAMP, v);

type Case = readonly [string, readonly Arg[], unknown];
function table(cases: readonly Case[]) {
  it.each(cases.map(([fn, args, want], k) => ({ fn, args, want, k })))('#$k $fn', ({ fn, args, want }) => {
    expect(run(fn, ...args)).toEqual(want);
  });
}

describe('calendar arithmetic', () => {
  it('converts between civil dates and epoch days in both directions', () => {
    for (const [y, m, d, days] of [
      [1970, 1, 1, 0],
      [1969, 12, 31, -1],
      [2000, 2, 29, 11016],
      [2022, 1, 1, 18993],
      [1600, 3, 1, -135080],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(days);
      expect(civilFromDays(days)).toEqual({ year: y, month: m, day: d });
    }
  });

  it('prints and reads ksqlDB text forms of DATE, TIME and TIMESTAMP', () => {
    expect(formatDate(1000)).toBe('1972-09-27');
    expect(formatTime(5000)).toBe('00:00:05');
    expect(formatTime(60_000)).toBe('00:01');
    expect(formatTimestamp(60220000000)).toBe('1971-11-28T23:46:40.000');
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999');
    expect(parseDate('1970-01-10')).toBe(9);
    expect(parseDate('1970-01')).toBe(0);
    expect(() => parseDate('2021-02-30')).toThrow(/Failed to parse date/);
    expect(() => parseDate('foo')).toThrow(/Failed to parse date/);
    expect(parseTime('00:00:00.010')).toBe(10);
    expect(parseTime('00:01')).toBe(60_000);
    expect(() => parseTime('25:00')).toThrow(/Failed to parse time/);
    expect(parseTimestamp('1970-01-01T00:00:01')).toBe(1000);
    expect(parseTimestamp('2019-03-17T03:00-0700')).toBe(1552816800000);
    expect(parseTimestamp('2019-03-17T10:00:00Z')).toBe(1552816800000);
    expect(() => parseTimestamp('2019-03-17 03:00')).toThrow(/Failed to parse timestamp/);
  });
});

describe('time zones', () => {
  it('follows daylight saving for region ids and Java short ids', () => {
    const summer = Date.UTC(2018, 4, 11, 21, 58, 33);
    const winter = Date.UTC(2018, 0, 11, 21, 58, 33);
    expect(zoneOf('America/Los_Angeles').offsetAt(summer)).toBe(-7 * 3_600_000);
    expect(zoneOf('America/Los_Angeles').offsetAt(winter)).toBe(-8 * 3_600_000);
    expect(zoneOf('PST').offsetAt(summer)).toBe(-7 * 3_600_000);
    expect(zoneOf('Asia/Kolkata').offsetAt(summer)).toBe(5.5 * 3_600_000);
  });

  it('reads fixed offsets in ZoneId.of forms', () => {
    expect(zoneOf('+0200').offsetAt(0)).toBe(7_200_000);
    expect(zoneOf('-05:30').id).toBe('-05:30');
    expect(zoneOf('UTC+2').offsetAt(0)).toBe(7_200_000);
    expect(zoneOf('Z').offsetAt(0)).toBe(0);
    expect(() => zoneOf('Mars/Olympus')).toThrow(/Unknown time-zone/);
  });

  it('resolves local times in gaps and overlaps as ZonedDateTime.ofLocal does', () => {
    const la = zoneOf('America/Los_Angeles');
    // 2021-03-14 02:30 does not exist in Los Angeles: it moves forward to 03:30 PDT.
    expect(localToInstant(Date.UTC(2021, 2, 14, 2, 30), la)).toBe(Date.UTC(2021, 2, 14, 10, 30));
    // 2021-11-07 01:30 happens twice: the earlier (PDT) instant wins.
    expect(localToInstant(Date.UTC(2021, 10, 7, 1, 30), la)).toBe(Date.UTC(2021, 10, 7, 8, 30));
  });

  it('prints zone names and offsets as Java does', () => {
    const t = 1526075913000; // 2018-05-11T21:58:33Z
    const f = (pattern: string, tz: string) => dateTimePattern(pattern).format(temporalOfInstant(t, zoneOf(tz)));
    expect(f('z', 'America/Los_Angeles')).toBe('PDT');
    expect(f('zzzz', 'America/Los_Angeles')).toBe('Pacific Daylight Time');
    expect(f('z', 'Europe/London')).toBe('BST');
    expect(f('z', 'UTC')).toBe('UTC');
    expect(f('X', 'UTC')).toBe('Z');
    expect(f('XX', '+05:30')).toBe('+0530');
    expect(f('XXX', '-08:00')).toBe('-08:00');
    expect(f('x', 'UTC')).toBe('+00');
    expect(f('Z', 'Asia/Kolkata')).toBe('+0530');
    expect(f('O', 'Asia/Kolkata')).toBe('GMT+5:30');
    expect(f('VV', 'Europe/London')).toBe('Europe/London');
  });
});

describe('patterns', () => {
  it('formats every common letter', () => {
    const t = temporalOfInstant(Date.UTC(2021, 0, 4, 13, 5, 9, 7), zoneOf('UTC'));
    const f = (pattern: string) => dateTimePattern(pattern).format(t);
    expect(f("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('2021-01-04T13:05:09.007');
    expect(f('yy M d H m s S')).toBe('21 1 4 13 5 9 0');
    expect(f('MMM MMMM EEE EEEE')).toBe('Jan January Mon Monday');
    expect(f('hh:mm a K k')).toBe('01:05 PM 1 13');
    expect(f('D DDD Q QQQ w Y')).toBe('4 004 1 Q1 1 2021');
    expect(f("'it''s' G")).toBe("it's AD");
    expect(f('[yyyy]')).toBe('2021');
  });

  it('rejects unknown letters and unterminated quotes', () => {
    expect(() => dateTimePattern('yyyy-bb')).toThrow(/Unknown pattern letter: b/);
    expect(() => dateTimePattern("yyyy 'oops")).toThrow(/incomplete/);
  });

  it('parses case-insensitively with ksqlDB defaults for missing fields', () => {
    const parse = (text: string, pattern: string) => resolveFields(dateTimePattern(pattern).parse(text), zoneOf('UTC'), text);
    expect(parse('JAN-2022', 'MMM-yyyy').epochDay).toBe(18993);
    expect(parse('20180511', 'yyyyMMdd').epochDay).toBe(17662);
    expect(parse('01:00:00 pm', 'hh:mm:ss a').msOfDay).toBe(46_800_000);
    expect(parse('12:30 AM', 'hh:mm a').msOfDay).toBe(30 * 60_000);
    expect(parse('2021-02-31', 'yyyy-MM-dd').epochDay).toBe(daysFromCivil(2021, 2, 28));
    expect(parse('2021-060', 'yyyy-DDD').epochDay).toBe(daysFromCivil(2021, 3, 1));
    expect(parse('2021-01-01T10:00', "yyyy-MM-dd['T'HH:mm]").msOfDay).toBe(36_000_000);
    expect(parse('2021-01-01', "yyyy-MM-dd['T'HH:mm]").msOfDay).toBe(0);
    expect(() => parse('2021-01-01x', 'yyyy-MM-dd')).toThrow(/unparsed text/);
    expect(() => parse('21-01-01', 'yyyy-MM-dd')).toThrow(/could not be parsed/);
    expect(() => parse('2021-13-01', 'yyyy-MM-dd')).toThrow(/MonthOfYear/);
  });
});

describe('date and time functions', () => {
  table([
    ['UNIX_DATE', [col(DATE, 100)], 100],
    ['UNIX_TIMESTAMP', [ts(1589234313000)], 1589234313000n],
    ['FROM_UNIXTIME', [col(BIGINT, 1589234313000n)], 1589234313000],
    ['FROM_DAYS', [col(INT, -10)], -10],
    ['DATETOSTRING', [col(INT, 17662), p('yyyy-MM-dd')], '2018-05-11'],
    ['DATETOSTRING', [col(INT, 18993), p('dd-MMM-yyyy')], '01-Jan-2022'],
    ['DATETOSTRING', [col(INT, -1), p("dd-MM-yyyy'Sophia'")], '31-12-1969Sophia'],
    ['STRINGTODATE', [s('2018-05-11Lit'), p("yyyy-MM-dd'Lit'")], 17662],
    ['STRINGTODATE', [s('11/05/2019'), p('dd/MM/yyyy')], 18027],
    ['FORMAT_DATE', [col(DATE, 18027), p('dd/MM/yyyy')], '11/05/2019'],
    ['FORMAT_TIME', [col(TIME, 65000), p('HH_mm_ss_SSS')], '00_01_05_000'],
    ['FORMAT_TIME', [col(TIME, 1234567), p("HHmmss'AAAAA'")], '002034AAAAA'],
    ['PARSE_DATE', [s('01-JAN-2022'), p('dd-MMM-yyyy')], 18993],
    ['PARSE_TIME', [s('11/05/19'), p('HH/mm/ss')], 39919000],
    ['PARSE_TIME', [s('00:01:05Lit'), p("HH:mm:ss'Lit'")], 65000],
    ['TIMESTAMPTOSTRING', [col(BIGINT, 1526075913000n), p('yyyy-MM-dd HH:mm:ss zzz'), s('America/Los_Angeles')], '2018-05-11 14:58:33 PDT'],
    ['TIMESTAMPTOSTRING', [col(BIGINT, 1526075913000n), p('yyyy-MM-dd HH:mm:ss zzz'), s('Europe/London')], '2018-05-11 22:58:33 BST'],
    ['TIMESTAMPTOSTRING', [col(BIGINT, 10n), p("yyyy-MM-dd'T'HH:mm:ss.SSS")], '1970-01-01T00:00:00.010'],
    ['FORMAT_TIMESTAMP', [ts(1526075913000), p('yyyy-MM-dd HH:mm:ss zzz'), s('America/Los_Angeles')], '2018-05-11 14:58:33 PDT'],
    ['FORMAT_TIMESTAMP', [ts(null), p('yyyy')], null],
    ['STRINGTOTIMESTAMP', [s('2018-05-11T21:58:33Z'), p("yyyy-MM-dd'T'HH:mm:ssX")], 1526075913000n],
    ['STRINGTOTIMESTAMP', [s('2020-05-11T21:58:33z'), p("yyyy-MM-dd'T'HH:mm:ssX")], 1589234313000n],
    ['STRINGTOTIMESTAMP', [s('2019-08-27T13:31:09.2+0000'), p("yyyy-MM-dd'T'HH:mm:ss.SX")], 1566912669200n],
    ['STRINGTOTIMESTAMP', [s('2018-05-11 14:58:33'), p('yyyy-MM-dd HH:mm:ss'), s('America/Los_Angeles')], 1526075913000n],
    ['PARSE_TIMESTAMP', [s('2018-05-11T21:58:33'), p("yyyy-MM-dd'T'HH:mm:ss")], 1526075913000],
    ['PARSE_TIMESTAMP', [s('2018-05-11T21:58:33 PST'), p("yyyy-MM-dd'T'HH:mm:ss zzz")], 1526101113000],
    ['PARSE_TIMESTAMP', [s('2018-05-11T21:58:33 Europe/Paris'), p("yyyy-MM-dd'T'HH:mm:ss VV")], 1526068713000],
    ['CONVERT_TZ', [ts(100), s('+0200'), s('+0500')], 10800100],
    ['CONVERT_TZ', [ts(1589234313000), s('America/Los_Angeles'), s('America/New_York')], 1589245113000],
  ]);

  it('returns the current date and time for the zero-argument forms', () => {
    const before = Date.now();
    const now = run('UNIX_TIMESTAMP') as bigint;
    expect(Number(now)).toBeGreaterThanOrEqual(before);
    expect(run('UNIX_DATE')).toBe(Math.floor(Number(now) / 86_400_000));
  });

  it('fails on text that does not match the pattern', () => {
    expect(() => run('PARSE_DATE', s('2021/01/01'), p('yyyy-MM-dd'))).toThrow(/Unparseable date/);
    expect(() => run('PARSE_DATE', s('2004'), p('yyyy-MM-dd'))).toThrow(/Unparseable date/);
    expect(() => run('STRINGTODATE', s('2021-01-01x'), p('yyyy-MM-dd'))).toThrow(/unparsed text/);
    expect(() => run('FORMAT_DATE', col(DATE, 0), p('HH:mm'))).toThrow(/Unsupported field/);
    expect(() => run('FORMAT_TIMESTAMP', ts(0), p('yyyy'), s('Nowhere/City'))).toThrow(/Unknown time-zone/);
  });
});

describe('PARSE_DATE reads SimpleDateFormat patterns as FastDateParser does', () => {
  const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d);
  table([
    // Text after the pattern is ignored.
    ['PARSE_DATE', [s('2003-12-24-01-01'), p('yyyy-MM-dd')], day(2003, 12, 24)],
    ['PARSE_DATE', [s('2004-01-01 and more'), p('yyyy-MM-dd')], day(2004, 1, 1)],
    // Adjacent number fields keep to their widths; a lone one takes every digit.
    ['PARSE_DATE', [s('20200526'), p('yyyyMMdd')], day(2020, 5, 26)],
    ['PARSE_DATE', [s('5/6/2020'), p('d/M/yyyy')], day(2020, 6, 5)],
    // The calendar is lenient: months and days roll over.
    ['PARSE_DATE', [s('2020-13-01'), p('yyyy-MM-dd')], day(2021, 1, 1)],
    ['PARSE_DATE', [s('2021-02-31'), p('yyyy-MM-dd')], day(2021, 3, 3)],
    // Missing fields start from 1970-01-01; names match in any case.
    ['PARSE_DATE', [s('JAN-2022'), p('MMM-yyyy')], day(2022, 1, 1)],
    ['PARSE_DATE', [s('march 3'), p('MMMM d')], day(1970, 3, 3)],
    ['PARSE_DATE', [s('Tue, 05 Jan 2021'), p('EEE, dd MMM yyyy')], day(2021, 1, 5)],
    ['PARSE_DATE', [s('2021-060'), p('yyyy-DDD')], day(2021, 3, 1)],
    ['PARSE_DATE', [s('2018-05-11Lit'), p("yyyy-MM-dd'Lit'")], day(2018, 5, 11)],
    // Two-digit years fall within 80 years before and 20 after today; more digits are literal.
    ['PARSE_DATE', [s('01/02/21'), p('dd/MM/yy')], day(2021, 2, 1)],
    ['PARSE_DATE', [s('01/02/1921'), p('dd/MM/yy')], day(1921, 2, 1)],
    // Midnight in the text's own zone must be midnight UTC too.
    ['PARSE_DATE', [s('2021-01-01 00:00 +0000'), p('yyyy-MM-dd HH:mm Z')], day(2021, 1, 1)],
  ]);

  it('refuses a time of day, unknown letters and unmatched text', () => {
    expect(() => run('PARSE_DATE', s('2021-01-01 10:00'), p('yyyy-MM-dd HH:mm'))).toThrow(/contains time field/);
    expect(() => run('PARSE_DATE', s('2021-01-01'), p('yyyy-MM-dd VV'))).toThrow(/not supported/);
    expect(() => run('PARSE_DATE', s('2021-Foo-01'), p('yyyy-MMM-dd'))).toThrow(/Unparseable date/);
  });
});

describe('PARSE_TIME and STRINGTODATE need whole values', () => {
  it('refuses date fields in PARSE_TIME and requires an hour', () => {
    expect(() => run('PARSE_TIME', s('2021 10:00'), p('yyyy HH:mm'))).toThrow(/contains date field/);
    expect(() => run('PARSE_TIME', s('10:00'), p('mm:ss'))).toThrow(/LocalTime/);
    expect(() => run('PARSE_TIME', s('10:00'), p('hh:mm'))).toThrow(/LocalTime/);
    expect(run('PARSE_TIME', s('10:00 PM'), p('hh:mm a'))).toBe(22 * 3_600_000);
    expect(run('PARSE_TIME', s('10'), p('HH'))).toBe(10 * 3_600_000);
  });

  it('requires a whole date in STRINGTODATE', () => {
    expect(() => run('STRINGTODATE', s('JAN-2022'), p('MMM-yyyy'))).toThrow(/LocalDate/);
    expect(run('STRINGTODATE', s('2022-032'), p('yyyy-DDD'))).toBe(daysFromCivil(2022, 2, 1));
  });
});

describe('interval arithmetic', () => {
  table([
    ['DATEADD', [unit('DAYS'), lit(INT, 10), col(DATE, 10)], 20],
    ['DATEADD', [unit('DAYS'), lit(INT, -5), col(DATE, 2)], -3],
    ['DATEADD', [unit('HOURS'), lit(INT, 30), col(DATE, 0)], 1],
    ['DATEADD', [unit('HOURS'), lit(INT, 5), col(DATE, -1)], 0],
    ['DATEADD', [unit('MONTHS'), lit(INT, 1), col(DATE, daysFromCivil(2021, 1, 31))], daysFromCivil(2021, 2, 28)],
    ['DATEADD', [unit('YEARS'), lit(INT, 1), col(DATE, daysFromCivil(2020, 2, 29))], daysFromCivil(2021, 2, 28)],
    ['DATESUB', [unit('DAYS'), lit(INT, 10), col(DATE, 5)], -5],
    ['DATESUB', [unit('WEEKS'), lit(INT, 1), col(DATE, 7)], 0],
    ['TIMEADD', [unit('MILLISECONDS'), lit(INT, 10), col(TIME, 86399995)], 5],
    ['TIMEADD', [unit('MILLISECONDS'), lit(INT, -5), col(TIME, 2)], 86399997],
    ['TIMESUB', [unit('MINUTES'), lit(INT, 1), col(TIME, 0)], 86340000],
    ['TIMESTAMPADD', [unit('MILLISECONDS'), lit(INT, -5), ts(2)], -3],
    ['TIMESTAMPADD', [unit('SECONDS'), lit(INT, 1), ts(0)], 1000],
    ['TIMESTAMPADD', [unit('NANOSECONDS'), lit(INT, 2_500_000), ts(0)], 2],
    ['TIMESTAMPADD', [unit('MONTHS'), lit(INT, 1), ts(Date.UTC(2021, 0, 31, 12))], Date.UTC(2021, 1, 28, 12)],
    ['TIMESTAMPSUB', [unit('MILLISECONDS'), lit(INT, -5), ts(-100)], -95],
    ['TIMESTAMPSUB', [unit('DAYS'), lit(INT, 1), ts(null)], null],
  ]);

  it('refuses calendar units on TIME', () => {
    expect(() => run('TIMEADD', unit('MONTHS'), lit(INT, 1), col(TIME, 0))).toThrow(/cannot be added to a TIME/);
  });
});

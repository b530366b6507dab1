import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  decimalType,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { createSerde } from '../../runtime/serde/index.js';
import { SerdeError, UnsupportedFormatError, type RowSerde } from '../../runtime/serde/serde.js';

function delimited(types: SqlType[], delimiter?: string, role: 'key' | 'value' = 'value'): RowSerde {
  const cols = types.map((type, i) => ({ name: `C${i}`, type }));
  return createSerde('DELIMITED', cols, delimiter === undefined ? {} : { delimiter }, role);
}
const csv = (s: string): Buffer => Buffer.from(s, 'utf8');
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

describe('DELIMITED', () => {
  const types: SqlType[] = [BIGINT, STRING, INT, DOUBLE, BOOLEAN, decimalType(33, 16), BYTES, DATE, TIME, TIMESTAMP];

  it('writes fields in column order as ksqlDB prints them', () => {
    const s = delimited(types);
    const row = [
      9223372036854775807n,
      'zero',
      0,
      0,
      true,
      Decimal.parse('0.12'),
      Buffer.from('variations'),
      10,
      5000,
      1700000000000,
    ];
    expect(text(s.serialize(row))).toBe(
      '9223372036854775807,zero,0,0.0,true,0.1200000000000000,dmFyaWF0aW9ucw==,10,5000,1700000000000',
    );
    expect(s.deserialize(s.serialize(row))).toEqual(row.map((v, i) => (i === 5 ? Decimal.parse('0.1200000000000000') : v)));
  });

  it('reads decimals exactly, at the column scale', () => {
    const s = delimited([decimalType(33, 16)]);
    expect(s.deserialize(csv('12345678987654321.2345678987654321'))).toEqual([Decimal.parse('12345678987654321.2345678987654321')]);
    expect(text(s.serialize(s.deserialize(csv('.12'))))).toBe('0.1200000000000000');
    expect(text(s.serialize(s.deserialize(csv('"-12345.12"'))))).toBe('"-12345.1200000000000000"');
    expect(() => delimited([decimalType(4, 2)]).deserialize(csv('1.234'))).toThrow(SerdeError);
  });

  it('quotes like Commons CSV MINIMAL: first field unless alphanumeric-led, specials anywhere', () => {
    const s = delimited([STRING, STRING, STRING]);
    expect(text(s.serialize(['-10', '-101', 'plain']))).toBe('"-10",-101,plain');
    expect(text(s.serialize(['a,b', 'say "hi"', 'line\nbreak']))).toBe('"a,b","say ""hi""","line\nbreak"');
    expect(text(s.serialize(['ok', '#hash', 'trailing ']))).toBe('ok,"#hash","trailing "');
    expect(text(s.serialize(['', '', null]))).toBe('"",,');
    expect(text(s.serialize(['éa', 'é', 'x']))).toBe('"éa",é,x');
  });

  it('writes ksqlDB’s output for a string holding quotes', () => {
    const s = delimited([STRING]);
    const v = '" + new java.util.function.Supplier<String>(){public String get() {return "boom";}}.get() + "';
    expect(text(s.serialize([v]))).toBe(
      '""" + new java.util.function.Supplier<String>(){public String get() {return ""boom"";}}.get() + """',
    );
    expect(s.deserialize(s.serialize([v]))).toEqual([v]);
  });

  it('reads quoted fields, embedded delimiters and line breaks, empty as null', () => {
    const s = delimited([STRING, STRING, INT]);
    expect(s.deserialize(csv('"a,""b""\nc",,"22"'))).toEqual(['a,"b"\nc', null, 22]);
    expect(s.deserialize(csv('x"y,"" ,3'))).toEqual(['x"y', null, 3]);
    // Only the first record counts; empty lines before it are skipped.
    expect(s.deserialize(csv('\n\r\n1,2,3\n4,5,6'))).toEqual(['1', '2', 3]);
  });

  it('supports a custom, TAB and SPACE delimiter', () => {
    const row = [1n, 'zero', 0];
    const t = [BIGINT, STRING, INT];
    expect(text(delimited(t, '|').serialize(row))).toBe('1|zero|0');
    expect(text(delimited(t, 'TAB').serialize(row))).toBe('1\tzero\t0');
    expect(text(delimited(t, '\t').serialize(row))).toBe('1\tzero\t0');
    expect(text(delimited(t, 'SPACE').serialize(row))).toBe('1 zero 0');
    expect(delimited(t, 'SPACE').deserialize(csv('100 "a b" 500'))).toEqual([100n, 'a b', 500]);
    expect(text(delimited([STRING, STRING], '|').serialize(['a|b', 'c,d']))).toBe('"a|b"|c,d');
  });

  it('rejects a delimiter that is not one character', () => {
    expect(() => delimited([INT], '<~>')).toThrow(UnsupportedFormatError);
  });

  it('parses booleans like Boolean.parseBoolean and numbers strictly', () => {
    expect(delimited([BOOLEAN, BOOLEAN, BOOLEAN]).deserialize(csv('TRUE,"true",yes'))).toEqual([true, true, false]);
    expect(delimited([DOUBLE]).deserialize(csv('1e3'))).toEqual([1000]);
    expect(delimited([BIGINT]).deserialize(csv('998877665544332211'))).toEqual([998877665544332211n]);
    for (const [type, bad] of [
      [INT, '1.0'],
      [INT, '2147483648'],
      [BIGINT, 'x'],
      [DOUBLE, 'one'],
      [BYTES, '***'],
      [TIMESTAMP, '1.5'],
    ] as const) {
      expect(() => delimited([type]).deserialize(csv(bad)), `${type.kind} ${bad}`).toThrow(SerdeError);
    }
  });

  it('rejects a wrong field count and malformed quoting with a SerdeError', () => {
    const s = delimited([INT, INT]);
    expect(() => s.deserialize(csv('1'))).toThrow(/Column count mismatch/);
    expect(() => s.deserialize(csv('1,2,3'))).toThrow(SerdeError);
    expect(() => s.deserialize(csv('"1,2'))).toThrow(SerdeError);
    expect(() => s.deserialize(csv('"1"x,2'))).toThrow(SerdeError);
    expect(() => s.deserialize(csv(''))).toThrow(SerdeError);
  });

  it('keeps a lone null column readable, and a null key as no key', () => {
    const v = delimited([INT]);
    expect(text(v.serialize([null]))).toBe('');
    expect(v.deserialize(v.serialize([null]))).toEqual([null]);
    expect(delimited([INT], undefined, 'key').serialize([null])).toBeNull();
    expect(text(delimited([INT, INT], undefined, 'key').serialize([null, null]))).toBe(',');
  });

  it('refuses to write a value of the wrong type', () => {
    expect(() => delimited([INT]).serialize(['1'])).toThrow(SerdeError);
    expect(() => delimited([decimalType(4, 2)]).serialize([1.5])).toThrow(SerdeError);
  });
});

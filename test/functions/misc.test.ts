import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  arrayType,
  decimalType,
  formatType,
  mapType,
  structType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { canImplicitlyCast, commonGenericType } from '../../planner/expressions/type-rules.js';
import { javaDoubleToString } from '../../planner/values/java-text.js';
import { castValue } from '../../runtime/expr/cast.js';
import { javaToString } from '../../runtime/expr/format.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';
import { NULL, call, col, lit, run, shapes } from './harness.js';

const s = (v: string | null) => col(STRING, v);

describe('NULL handling', () => {
  it('COALESCE, IFNULL and NULLIF', () => {
    expect(run('COALESCE', col(INT, null), col(INT, 2), col(INT, 3))).toBe(2);
    expect(run('COALESCE', col(INT, null), NULL)).toBeNull();
    expect(run('COALESCE', col(arrayType(INT), null), col(arrayType(INT), [10, 20]))).toEqual([10, 20]);
    expect(run('COALESCE', col(INT, null), col(BIGINT, 5n))).toBe(5n);
    expect(run('COALESCE', col(INT, 4), col(BIGINT, 5n))).toBe(4n);
    expect(run('IFNULL', s(null), lit(STRING, 'x'))).toBe('x');
    expect(run('IFNULL', s('a'), lit(STRING, 'x'))).toBe('a');
    expect(run('NULLIF', col(arrayType(INT), [1, 2, 3]), col(arrayType(INT), [1, 2, 3]))).toBeNull();
    expect(run('NULLIF', col(arrayType(INT), [4]), col(arrayType(INT), [1]))).toEqual([4]);
    expect(run('NULLIF', s('X'), lit(STRING, 'x'))).toBe('X');
    expect(run('NULLIF', s(null), lit(STRING, 'x'))).toBeNull();
  });
});

describe('URL functions', () => {
  it('encode and decode parameters as application/x-www-form-urlencoded', () => {
    expect(run('URL_ENCODE_PARAM', s('?foo $bar'))).toBe('%3Ffoo+%24bar');
    expect(run('URL_ENCODE_PARAM', s('é*~'))).toBe('%C3%A9*%7E');
    expect(run('URL_DECODE_PARAM', s('%3Ffoo+%24bar'))).toBe('?foo $bar');
    expect(run('URL_DECODE_PARAM', s('hello%26world'))).toBe('hello&world');
  });

  it('extract URL components', () => {
    const u = 'http://test@confluent.io:8080/nested/pa%20th?q1=a&two=url%20encoded#frag%21';
    expect(run('URL_EXTRACT_PROTOCOL', s(u))).toBe('http');
    expect(run('URL_EXTRACT_HOST', s(u))).toBe('confluent.io');
    expect(run('URL_EXTRACT_PORT', s(u))).toBe(8080);
    expect(run('URL_EXTRACT_PATH', s(u))).toBe('/nested/pa th');
    expect(run('URL_EXTRACT_QUERY', s(u))).toBe('q1=a&two=url encoded');
    expect(run('URL_EXTRACT_FRAGMENT', s(u))).toBe('frag!');
    expect(run('URL_EXTRACT_PARAMETER', s(u), lit(STRING, 'two'))).toBe('url%20encoded');
    expect(run('URL_EXTRACT_PARAMETER', s(u), lit(STRING, 'three'))).toBeNull();
    expect(run('URL_EXTRACT_PORT', s('http://test@confluent.io'))).toBeNull();
    expect(run('URL_EXTRACT_PROTOCOL', s('www.confluent.io'))).toBeNull();
    expect(run('URL_EXTRACT_HOST', s('www.confluent.io'))).toBeNull();
    expect(run('URL_EXTRACT_QUERY', s('http://test@confluent.io:8080/path'))).toBeNull();
    expect(run('URL_EXTRACT_FRAGMENT', s('http://www.nofragment.com'))).toBeNull();
    expect(run('URL_EXTRACT_QUERY', s('http://www.test.com?query#fragment'))).toBe('query');
    expect(() => run('URL_EXTRACT_HOST', s('http://bad host'))).toThrow(/Illegal character/);
  });
});

describe('BYTES conversions', () => {
  const b = (hex: string) => col(BYTES, Buffer.from(hex, 'hex'));
  it('TO_BYTES and FROM_BYTES round-trip through each encoding', () => {
    expect(run('FROM_BYTES', col(BYTES, Buffer.from('GrI=', 'base64')), lit(STRING, 'hex'))).toBe('1AB2');
    expect((run('TO_BYTES', s('1aB2'), lit(STRING, 'hex')) as Buffer).toString('base64')).toBe('GrI=');
    expect((run('TO_BYTES', s('!'), lit(STRING, 'ascii')) as Buffer).toString('base64')).toBe('IQ==');
    expect((run('TO_BYTES', s('é'), lit(STRING, 'ascii')) as Buffer).toString()).toBe('?');
    expect(run('FROM_BYTES', b('ff41'), lit(STRING, 'ascii'))).toBe('\uFFFDA');
    expect(run('FROM_BYTES', b('c3a9'), lit(STRING, 'UTF8'))).toBe('é');
    expect(run('FROM_BYTES', b('00ff'), lit(STRING, 'base64'))).toBe('AP8=');
    expect(() => run('TO_BYTES', s('abc'), lit(STRING, 'hex'))).toThrow(/Odd number/);
    expect(() => run('TO_BYTES', s('abc'), lit(STRING, 'latin1'))).toThrow(/Supported encodings/);
  });

  it('reads numbers in either byte order', () => {
    expect(run('INT_FROM_BYTES', col(BYTES, Buffer.from('AAAH5Q==', 'base64')))).toBe(2021);
    expect(run('BIGINT_FROM_BYTES', col(BYTES, Buffer.from('AAAAASoF8gA=', 'base64')))).toBe(5000000000n);
    expect(run('DOUBLE_FROM_BYTES', col(BYTES, Buffer.from('QICm/ZvJ9YI=', 'base64')))).toBe(532.8738323);
    expect(run('INT_FROM_BYTES', col(BYTES, Buffer.from('5QcAAA==', 'base64')), lit(STRING, 'LITTLE_ENDIAN'))).toBe(2021);
    expect(run('BIGINT_FROM_BYTES', col(BYTES, Buffer.from('APIFKgEAAAA=', 'base64')), lit(STRING, 'little_endian'))).toBe(
      5000000000n,
    );
    expect(() => run('INT_FROM_BYTES', b('0102'))).toThrow(/equal to 4/);
    expect(() => run('INT_FROM_BYTES', b('01020304'), lit(STRING, 'MIDDLE'))).toThrow(/BIG_ENDIAN/);
  });
});

describe('AS_VALUE and GEO_DISTANCE', () => {
  it('AS_VALUE returns its argument with its type', () => {
    const st = structType([{ name: 'F1', type: STRING }]);
    const r = call('AS_VALUE', col(st, { F1: 'foo' }));
    expect(r.value).toEqual({ F1: 'foo' });
    expect(r.type).toEqual(st);
  });

  it('GEO_DISTANCE computes haversine distances in km or miles', () => {
    const d = (...xs: number[]) => xs.map((x) => col(DOUBLE, x));
    expect(run('GEO_DISTANCE', ...d(37.4439, -122.1663, 51.5257, -0.1122))).toBeCloseTo(8634.659796579544, 6);
    expect(run('GEO_DISTANCE', ...d(37.4439, -122.1663, 51.5257, -0.1122), s('MI'))).toBeCloseTo(5365.659729188262, 6);
    expect(run('GEO_DISTANCE', ...d(37.4439, -122.1663, 51.5257, -0.1122), s(null))).toBeCloseTo(8634.659796579544, 6);
    expect(run('GEO_DISTANCE', col(DOUBLE, 37.4439), col(DOUBLE, -122.1663), lit(INT, 51), lit(INT, 0))).toBeCloseTo(
      8682.459061368269,
      6,
    );
    expect(() => run('GEO_DISTANCE', ...d(91, 0, 0, 0))).toThrow(/Latitude/);
    expect(() => run('GEO_DISTANCE', ...d(0, 0, 0, 0), s('parsecs'))).toThrow(/KM or MI/);
    expect(() => call('GEO_DISTANCE', col(DOUBLE, 1), col(DOUBLE, 1), lit(STRING, 'foo'), lit(INT, 0))).toThrow(
      /does not accept parameters/,
    );
  });
});

describe('table functions', () => {
  const explode = (name: string, type: Parameters<typeof col>[0], v: unknown) => {
    const r = defaultRegistry().resolveTable(name, shapes([col(type, v)]));
    return { rows: r.overload.make({ ...r.call, returnType: r.returnType })(v), type: formatType(r.returnType) };
  };

  it('EXPLODE yields one row per element and none for NULL', () => {
    expect(explode('EXPLODE', arrayType(BIGINT), [1n, 2n])).toEqual({ rows: [1n, 2n], type: 'BIGINT' });
    expect(explode('EXPLODE', arrayType(INT), []).rows).toEqual([]);
    expect(explode('EXPLODE', arrayType(INT), null).rows).toEqual([]);
    expect(() => defaultRegistry().resolveTable('EXPLODE', shapes([col(mapType(STRING, INT), new Map())]))).toThrow(
      "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).",
    );
  });

  it('CUBE_EXPLODE yields every keep/null combination, skipping duplicates from NULL elements', () => {
    expect(explode('CUBE_EXPLODE', arrayType(INT), [1, 2])).toEqual({
      rows: [
        [null, null],
        [null, 2],
        [1, null],
        [1, 2],
      ],
      type: 'ARRAY<INTEGER>',
    });
    expect(explode('CUBE_EXPLODE', arrayType(INT), [1, null]).rows).toEqual([
      [null, null],
      [1, null],
    ]);
    expect(explode('CUBE_EXPLODE', arrayType(STRING), ['a', 'b', 'c']).rows).toHaveLength(8);
  });
});

describe('widening and Java text', () => {
  it('knows which types widen to which', () => {
    expect(canImplicitlyCast(INT, BIGINT)).toBe(true);
    expect(canImplicitlyCast(BIGINT, INT)).toBe(false);
    expect(canImplicitlyCast(BIGINT, decimalType(19, 0))).toBe(true);
    expect(canImplicitlyCast(BIGINT, decimalType(10, 0))).toBe(false);
    expect(canImplicitlyCast(decimalType(4, 2), decimalType(6, 3))).toBe(true);
    expect(canImplicitlyCast(decimalType(4, 2), decimalType(6, 1))).toBe(false);
    expect(canImplicitlyCast(INT, STRING)).toBe(false);
    expect(commonGenericType(INT, decimalType(2, 1))).toEqual(decimalType(11, 1));
    expect(commonGenericType(arrayType(INT), arrayType(DOUBLE))).toEqual(arrayType(DOUBLE));
    expect(commonGenericType(STRING, INT)).toBeUndefined();
    // A generic takes no union of STRUCT fields: the fields must match.
    const a = structType([{ name: 'A', type: INT }]);
    expect(commonGenericType(a, structType([{ name: 'A', type: BIGINT }]))).toEqual(structType([{ name: 'A', type: BIGINT }]));
    expect(commonGenericType(a, structType([{ name: 'B', type: INT }]))).toBeUndefined();
  });

  it('converts widened arguments exactly', () => {
    expect(castValue(3, INT, BIGINT)).toBe(3n);
    expect(castValue(9007199254740993n, BIGINT, decimalType(19, 0))).toEqual(Decimal.parse('9007199254740993'));
    expect(castValue(Decimal.parse('1.5'), decimalType(2, 1), decimalType(4, 3))).toEqual(Decimal.parse('1.500'));
    expect(castValue(Decimal.parse('1.5'), decimalType(2, 1), DOUBLE)).toBe(1.5);
    expect(castValue('2022-06-14', STRING, DATE)).toBe(19157);
    expect(castValue(new Map([['a', 1]]), mapType(STRING, INT), mapType(STRING, BIGINT))).toEqual(new Map([['a', 1n]]));
    expect(castValue(null, INT, BIGINT)).toBeNull();
    expect(() => castValue('nope', STRING, DATE)).toThrow(/Failed to parse date/);
  });

  it('prints doubles and collections as Java does', () => {
    expect([0, -0, 1, 0.1, 123.456, 1e7, 1.5e-4, 1e-3, 1e21, NaN, -Infinity].map(javaDoubleToString)).toEqual([
      '0.0',
      '-0.0',
      '1.0',
      '0.1',
      '123.456',
      '1.0E7',
      '1.5E-4',
      '0.001',
      '1.0E21',
      'NaN',
      '-Infinity',
    ]);
    expect(javaToString([1, null, 3], arrayType(INT))).toBe('[1, null, 3]');
    expect(javaToString([1, 2.5], arrayType(DOUBLE))).toBe('[1.0, 2.5]');
    expect(javaToString(new Map([['k', 2n]]), mapType(STRING, BIGINT))).toBe('{k=2}');
  });
});

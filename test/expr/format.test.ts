import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../../planner/values/temporal.js';
import {
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  mapType,
  structType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { formatValue } from '../../runtime/expr/format.js';
import { javaBigDecimalToString, javaDoubleToString } from '../../planner/values/java-text.js';

describe('javaDoubleToString', () => {
  it.each([
    [1, '1.0'],
    [-1.5, '-1.5'],
    [100, '100.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [1e7, '1.0E7'],
    [1.23e10, '1.23E10'],
    [12345678.9, '1.23456789E7'],
    [1e-10, '1.0E-10'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [5e-324, '4.9E-324'],
    [0, '0.0'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%s → %s', (d, text) => {
    expect(javaDoubleToString(d)).toBe(text);
  });
});

describe('javaBigDecimalToString', () => {
  it('is plain unless the exponent drops below -6', () => {
    expect(javaBigDecimalToString(Decimal.parse('10.50'))).toBe('10.50');
    expect(javaBigDecimalToString(Decimal.parse('0.000001'))).toBe('0.000001');
    expect(javaBigDecimalToString(Decimal.parse('0.0000001'))).toBe('1E-7');
    expect(javaBigDecimalToString(Decimal.parse('-0.00000012'))).toBe('-1.2E-7');
    expect(javaBigDecimalToString(Decimal.parse('0.00000000'))).toBe('0E-8');
  });
});

describe('formatValue', () => {
  it('renders top-level values as CAST(... AS STRING) does', () => {
    expect(formatValue(10, TIMESTAMP)).toBe('1970-01-01T00:00:00.010');
    expect(formatValue(5000, TIME)).toBe('00:00:05');
    expect(formatValue(10, DATE)).toBe('1970-01-11');
    expect(formatValue(Decimal.parse('0.0000001'), decimalType(8, 7))).toBe('0.0000001');
    expect(formatValue(1e21, DOUBLE)).toBe('1.0E21');
    expect(formatValue(null, INT)).toBeNull();
  });

  it("renders nested values as Java's toString of ksqlDB's objects", () => {
    expect(formatValue([1, null, 3], arrayType(INT))).toBe('[1, null, 3]');
    expect(formatValue([1.0, 2.5], arrayType(DOUBLE))).toBe('[1.0, 2.5]');
    expect(formatValue(['a', 'b c'], arrayType(STRING))).toBe('[a, b c]');
    expect(formatValue([Decimal.parse('0.0000001')], arrayType(decimalType(8, 7)))).toBe('[1E-7]');
    expect(formatValue([10, 1273881610123], arrayType(TIMESTAMP))).toBe('[1970-01-01 00:00:00.01, 2010-05-15 00:00:10.123]');
    expect(formatValue([0], arrayType(TIMESTAMP))).toBe('[1970-01-01 00:00:00.0]');
    expect(formatValue([5000], arrayType(TIME))).toBe('[00:00:05]');
    expect(formatValue([Buffer.from([1, 2])], arrayType(BYTES))).toBe('[java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]]');
    expect(formatValue(new Map([['a', 1], ['b', null]]), mapType(STRING, INT))).toBe('{a=1, b=null}');
    const nested = structType([
      { name: 'A', type: INT },
      { name: 'inner', type: structType([{ name: 'X', type: arrayType(INT) }]) },
      { name: 'GONE', type: STRING },
    ]);
    expect(formatValue({ A: 1, inner: { X: [1, 2] }, GONE: null }, nested)).toBe('Struct{A=1,inner=Struct{X=[1, 2]}}');
  });
});

describe('timestamps', () => {
  it('complete partial text and honour offsets', () => {
    expect(parseTimestamp('2017')).toBe(Date.UTC(2017, 0, 1));
    expect(parseTimestamp('2020-01-02T')).toBe(Date.UTC(2020, 0, 2));
    expect(parseTimestamp('2020-01-02TZ')).toBe(Date.UTC(2020, 0, 2));
    expect(parseTimestamp('2020-12-02T13')).toBe(Date.UTC(2020, 11, 2, 13));
    expect(parseTimestamp('2020-12-02T13:59Z')).toBe(Date.UTC(2020, 11, 2, 13, 59));
    expect(parseTimestamp('2020-12-02T13:59:58.123')).toBe(Date.UTC(2020, 11, 2, 13, 59, 58, 123));
    expect(parseTimestamp('2017-11-13T23:59:58.999+01:00')).toBe(1510613998999);
    expect(() => parseTimestamp('2017-01-01T00:00:00.000+foo')).toThrow(/Failed to parse timestamp/);
  });

  it('format years of era without a sign, and before 1970', () => {
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999');
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 12, 0, 0, 5))).toBe('2024-02-29T12:00:00.005');
    expect(parseTimestamp(formatTimestamp(-62_000_000_000_000))).toBe(-62_000_000_000_000);
  });
});

import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  formatType,
  mapType,
  structType,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { castValue, coerceLiteralForInsert } from '../../runtime/expr/cast.js';
import { EvaluationError } from '../../runtime/expr/errors.js';
import { thrown } from './fixtures.js';

const dec = (s: string): Decimal => Decimal.parse(s);
const D2_1 = decimalType(2, 1);

/** [value, from, to, expected]; Decimals compare by their text, so the scale counts. */
const CASTS: [unknown, SqlType, SqlType, unknown][] = [
  // numbers narrow like Java primitives
  [1.9, DOUBLE, INT, 1],
  [-1.9, DOUBLE, INT, -1],
  [NaN, DOUBLE, INT, 0],
  [1e20, DOUBLE, INT, 2147483647],
  [-1e20, DOUBLE, BIGINT, -9223372036854775808n],
  [12.3, DOUBLE, BIGINT, 12n],
  [2147483648n, BIGINT, INT, -2147483648],
  [dec('10.01'), decimalType(4, 2), INT, 10],
  [dec('-10.99'), decimalType(4, 2), BIGINT, -10n],
  [dec('10.01'), decimalType(4, 2), DOUBLE, 10.01],
  [3, INT, BIGINT, 3n],
  [3, INT, DOUBLE, 3],
  // DECIMAL targets round HALF_UP to the scale
  [1, INT, D2_1, '1.0'],
  [-1, INT, D2_1, '-1.0'],
  [0.99, DOUBLE, D2_1, '1.0'],
  [0.01, DOUBLE, D2_1, '0.0'],
  [1.1, DOUBLE, D2_1, '1.1'],
  [1.05, DOUBLE, D2_1, '1.1'],
  [12.3, DOUBLE, decimalType(5, 1), '12.3'],
  [dec('10.12'), decimalType(4, 2), decimalType(5, 3), '10.120'],
  [dec('1.25'), decimalType(4, 2), D2_1, '1.3'],
  ['123', STRING, decimalType(5, 1), '123.0'],
  [' 2.345 ', STRING, decimalType(4, 2), '2.35'],
  // strings parse (trimmed)
  [' 12 ', STRING, INT, 12],
  ['-9223372036854775808', STRING, BIGINT, -9223372036854775808n],
  ['1.5', STRING, DOUBLE, 1.5],
  ['1e3', STRING, DOUBLE, 1000],
  ['yes', STRING, BOOLEAN, true],
  ['TrU', STRING, BOOLEAN, true],
  ['nope', STRING, BOOLEAN, false],
  ['2022-04-28T21:44:47.943', STRING, TIMESTAMP, 1651182287943],
  ['2022-04-28T21:44:47.943Z', STRING, TIMESTAMP, 1651182287943],
  ['1970-01-01T00:00:01', STRING, TIMESTAMP, 1000],
  ['2017-11-13T23:59:58.999+0100', STRING, TIMESTAMP, 1510613998999],
  ['2017-11-13T23:59:58.999-0100', STRING, TIMESTAMP, 1510621198999],
  ['2020-02', STRING, TIMESTAMP, Date.UTC(2020, 1, 1)],
  ['1970-01-10', STRING, DATE, 9],
  ['1970-01', STRING, DATE, 0],
  ['1969-12-31', STRING, DATE, -1],
  ['00:00:00.010', STRING, TIME, 10],
  ['00:01', STRING, TIME, 60000],
  ['aGk=', STRING, BYTES, Buffer.from('hi')],
  // times convert through UTC days
  [-2000, TIMESTAMP, TIME, 86398000],
  [86400100, TIMESTAMP, TIME, 100],
  [-1, TIMESTAMP, DATE, -1],
  [1273881610000, TIMESTAMP, DATE, 14744],
  [10, DATE, TIMESTAMP, 864000000],
  // text
  [true, BOOLEAN, STRING, 'true'],
  [-1, INT, STRING, '-1'],
  [2147483648n, BIGINT, STRING, '2147483648'],
  [1e10, DOUBLE, STRING, '1.0E10'],
  [0.001, DOUBLE, STRING, '0.001'],
  [1e-4, DOUBLE, STRING, '1.0E-4'],
  [100, DOUBLE, STRING, '100.0'],
  [dec('0.00'), decimalType(4, 2), STRING, '0.00'],
  [dec('0.0000001'), decimalType(8, 7), STRING, '0.0000001'],
  [10, TIMESTAMP, STRING, '1970-01-01T00:00:00.010'],
  [5000, TIME, STRING, '00:00:05'],
  [60000, TIME, STRING, '00:01'],
  [10, DATE, STRING, '1970-01-11'],
  [-1, DATE, STRING, '1969-12-31'],
  [[1, 3], arrayType(INT), STRING, '[1, 3]'],
  [{ F0: 1, f1: 3 }, structType([{ name: 'F0', type: INT }, { name: 'f1', type: INT }]), STRING, 'Struct{F0=1,f1=3}'],
  [{ A: null, B: 'x' }, structType([{ name: 'A', type: INT }, { name: 'B', type: STRING }]), STRING, 'Struct{B=x}'],
  [new Map([['a', 1.5]]), mapType(STRING, DOUBLE), STRING, '{a=1.5}'],
];

function show(v: unknown): unknown {
  if (v instanceof Decimal) return v.toString();
  if (Array.isArray(v)) return v.map(show);
  return v;
}

describe('CAST', () => {
  const cases = CASTS.map(([value, from, to, expected]) => ({
    name: `${String(value)}: ${formatType(from)} → ${formatType(to)}`,
    value,
    from,
    to,
    expected,
  }));
  it.each(cases)('$name', ({ value, from, to, expected }) => {
    expect(show(castValue(value, from, to))).toEqual(expected);
  });

  it('maps null to null', () => {
    expect(castValue(null, DOUBLE, STRING)).toBeNull();
    expect(castValue(null, arrayType(INT), arrayType(STRING))).toBeNull();
    expect(() => castValue(null, STRING, arrayType(INT))).toThrow('Cast of STRING to ARRAY<INTEGER> is not supported');
  });

  it('fails on values that do not fit or do not parse', () => {
    const fails = (value: unknown, from: SqlType, to: SqlType): Error => thrown(() => castValue(value, from, to));
    expect(fails(10, INT, D2_1)).toBeInstanceOf(EvaluationError);
    expect(fails(10, INT, D2_1).message).toMatch(/^Numeric field overflow: A field with precision 2 and scale 1/);
    expect(fails(dec('9.99'), decimalType(3, 2), D2_1)).toBeInstanceOf(EvaluationError);
    expect(fails(NaN, DOUBLE, D2_1)).toBeInstanceOf(EvaluationError);
    expect(fails('x', STRING, INT).message).toBe('For input string: "x"');
    expect(fails('2147483648', STRING, INT)).toBeInstanceOf(EvaluationError);
    expect(fails('foo', STRING, TIMESTAMP)).toBeInstanceOf(EvaluationError);
    expect(fails('2017-1-1', STRING, TIMESTAMP).message).toMatch(/^Failed to parse timestamp '2017-1-1'/);
    expect(fails('2021-02-30', STRING, DATE)).toBeInstanceOf(EvaluationError);
    expect(fails('25:00', STRING, TIME)).toBeInstanceOf(EvaluationError);
    expect(fails('not base64!', STRING, BYTES)).toBeInstanceOf(EvaluationError);
  });

  it('casts collections element by element', () => {
    expect(castValue([1n, 3n, 2147483648n], arrayType(BIGINT), arrayType(STRING))).toEqual(['1', '3', '2147483648']);
    expect(castValue([[1n], null], arrayType(arrayType(BIGINT)), arrayType(arrayType(STRING)))).toEqual([['1'], null]);
    expect(castValue(new Map([['this', 2147483648n]]), mapType(STRING, BIGINT), mapType(STRING, INT))).toEqual(
      new Map([['this', -2147483648]]),
    );
    expect(
      castValue(
        new Map([['k1', new Map([['k2', '10']])]]),
        mapType(STRING, mapType(STRING, STRING)),
        mapType(STRING, mapType(STRING, INT)),
      ),
    ).toEqual(new Map([['k1', new Map([['k2', 10]])]]));
  });

  it('casts structs field by field, by name', () => {
    const from = structType([{ name: 'F0', type: BIGINT }, { name: 'F1', type: STRING }]);
    const to = structType([{ name: 'F0', type: STRING }, { name: 'F3', type: STRING }]);
    expect(castValue({ F0: 1n, F1: '3' }, from, to)).toEqual({ F0: '1', F3: null });
  });
});

describe('INSERT VALUES coercion', () => {
  it('widens numbers and parses strings', () => {
    expect(coerceLiteralForInsert(5, INT, BIGINT)).toBe(5n);
    expect(coerceLiteralForInsert(5, INT, DOUBLE)).toBe(5);
    expect(String(coerceLiteralForInsert(5, INT, decimalType(4, 2)))).toBe('5.00');
    expect(String(coerceLiteralForInsert(dec('1.5'), decimalType(2, 1), decimalType(4, 2)))).toBe('1.50');
    expect(coerceLiteralForInsert('2020-01-01', STRING, DATE)).toBe(18262);
    expect(coerceLiteralForInsert('10:00', STRING, TIME)).toBe(36_000_000);
    expect(coerceLiteralForInsert('1970-01-01T00:00:00.010', STRING, TIMESTAMP)).toBe(10);
    expect(coerceLiteralForInsert(' 42 ', STRING, INT)).toBe(42);
    expect(coerceLiteralForInsert('yes', STRING, BOOLEAN)).toBe(true);
    expect(coerceLiteralForInsert(10, INT, STRING)).toBe('10');
    expect(coerceLiteralForInsert(null, null, INT)).toBeNull();
    expect(coerceLiteralForInsert([1, 2], arrayType(INT), arrayType(BIGINT))).toEqual([1n, 2n]);
  });

  it('refuses what would lose information or makes no sense', () => {
    expect(thrown(() => coerceLiteralForInsert(dec('1.234'), decimalType(4, 3), decimalType(4, 2))).message).toMatch(
      /without rounding/,
    );
    expect(thrown(() => coerceLiteralForInsert(1.5, DOUBLE, decimalType(4, 2)))).toBeInstanceOf(EvaluationError);
    expect(thrown(() => coerceLiteralForInsert(5n, BIGINT, INT))).toBeInstanceOf(EvaluationError);
    expect(thrown(() => coerceLiteralForInsert('maybe', STRING, BOOLEAN))).toBeInstanceOf(EvaluationError);
    expect(thrown(() => coerceLiteralForInsert(true, BOOLEAN, INT))).toBeInstanceOf(EvaluationError);
  });
});

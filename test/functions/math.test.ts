import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, DATE, DOUBLE, INT, STRING, decimalType, formatType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { NULL, call, col, lit, run, type Arg } from './harness.js';

const i = (v: number | null) => col(INT, v);
const l = (v: bigint | null) => col(BIGINT, v);
const d = (v: number | null) => col(DOUBLE, v);
const dec = (text: string | null, p: number, s: number) => col(decimalType(p, s), text === null ? null : Decimal.parse(text));
const places = (n: number) => lit(INT, n);
const D = (text: string) => Decimal.parse(text);

type Case = readonly [string, readonly Arg[], unknown, string?];

/** Checks value and, when given, the SQL return type exactly. */
function table(cases: readonly Case[]) {
  it.each(cases.map(([fn, args, want, type], k) => ({ fn, args, want, type, k })))('#$k $fn', ({ fn, args, want, type }) => {
    const r = call(fn, ...args);
    if (typeof want === 'number' && Number.isFinite(want) && !Number.isInteger(want)) expect(r.value as number).toBeCloseTo(want, 12);
    else expect(r.value).toEqual(want);
    if (type) expect(formatType(r.type)).toBe(type);
  });
}

describe('ABS, CEIL, FLOOR, SIGN keep exact types', () => {
  table([
    ['ABS', [i(-1)], 1, 'INTEGER'],
    ['ABS', [l(-9007199254740993n)], 9007199254740993n, 'BIGINT'],
    ['ABS', [d(-3.1)], 3.1, 'DOUBLE'],
    ['ABS', [dec('-3.2', 2, 1)], D('3.2'), 'DECIMAL(2, 1)'],
    ['ABS', [i(null)], null],
    ['CEIL', [d(1.1)], 2, 'DOUBLE'],
    ['CEIL', [d(-1.7)], -1],
    ['CEIL', [i(5)], 5, 'INTEGER'],
    ['CEIL', [dec('1.1', 2, 1)], D('2.0'), 'DECIMAL(2, 1)'],
    ['CEIL', [dec('-1.5', 2, 1)], D('-1.0')],
    ['FLOOR', [d(-1.1)], -2],
    ['FLOOR', [l(7n)], 7n, 'BIGINT'],
    ['FLOOR', [dec('1.7', 2, 1)], D('1.0')],
    ['FLOOR', [dec('-1.1', 2, 1)], D('-2.0')],
    ['SIGN', [i(-7)], -1, 'INTEGER'],
    ['SIGN', [l(0n)], 0, 'INTEGER'],
    ['SIGN', [d(2.5)], 1],
    ['SIGN', [dec('-0.1', 2, 1)], -1],
  ]);
});

describe('ROUND and TRUNC', () => {
  table([
    ['ROUND', [i(5)], 5n, 'BIGINT'],
    ['ROUND', [l(5n)], 5n, 'BIGINT'],
    ['ROUND', [d(1.5)], 2n, 'BIGINT'],
    ['ROUND', [d(-1.5)], -1n],
    ['ROUND', [d(-1.6)], -2n],
    ['ROUND', [d(1.25), places(1)], 1.3, 'DOUBLE'],
    ['ROUND', [d(-1.25), places(1)], -1.2],
    ['ROUND', [d(123.456), places(-1)], 120],
    ['ROUND', [d(NaN), places(1)], NaN],
    ['ROUND', [dec('12345678987654321.2345678987654321', 33, 16)], D('12345678987654321'), 'DECIMAL(17, 0)'],
    ['ROUND', [dec('12345678987654321.2345678987654321', 33, 16), places(2)], D('12345678987654321.2300000000000000'), 'DECIMAL(33, 16)'],
    ['ROUND', [dec('12345678987654321.2345678987654321', 33, 16), places(10)], D('12345678987654321.2345678988000000')],
    ['ROUND', [dec('12345678987654321.2345678987654321', 33, 16), places(-2)], D('12345678987654300.0000000000000000')],
    ['ROUND', [dec('-2.5', 2, 1)], D('-2')],
    ['ROUND', [dec('2.5', 2, 1)], D('3')],
    ['ROUND', [dec('1.05', 3, 2), places(1)], D('1.10')],
    ['TRUNC', [i(3)], 3n, 'BIGINT'],
    ['TRUNC', [d(-1.7)], -1n, 'BIGINT'],
    ['TRUNC', [d(1e300)], 9223372036854775807n],
    ['TRUNC', [d(1.789), places(2)], 1.78, 'DOUBLE'],
    ['TRUNC', [dec('12345.6780000', 12, 7)], D('12345'), 'DECIMAL(5, 0)'],
    ['TRUNC', [dec('-12345.6780000', 12, 7), places(1)], D('-12345.6000000'), 'DECIMAL(12, 7)'],
    ['TRUNC', [dec('-12345.6780000', 12, 7), places(-2)], D('-12300.0000000')],
    ['TRUNC', [dec('111.0000000', 12, 7), places(-1)], D('110.0000000')],
  ]);
});

describe('exponentials, logarithms and powers', () => {
  table([
    ['EXP', [i(1)], Math.E, 'DOUBLE'],
    ['EXP', [l(0n)], 1],
    ['LN', [d(0)], -Infinity],
    ['LN', [i(-1)], NaN],
    ['SQRT', [l(2n)], Math.SQRT2],
    ['CBRT', [d(27)], 3],
    ['LOG', [i(13)], 2.5649493574615367],
    ['LOG', [i(15), i(13)], 0.9471572411831843],
    ['LOG', [d(15), d(0)], -Infinity],
    ['LOG', [d(15), d(-13)], NaN],
    ['LOG', [d(-15), d(13)], NaN],
    ['LOG', [d(0), d(13)], NaN],
    ['LOG', [d(1), d(13)], NaN],
    ['POWER', [i(15), i(-1)], 0.06666666666666667],
    ['POWER', [i(15), i(13)], 1946195068359375, 'DOUBLE'],
    ['POWER', [i(0), i(0)], 1],
    ['PI', [], Math.PI],
  ]);

  it('returns a fresh random DOUBLE in [0, 1)', () => {
    const xs = Array.from({ length: 20 }, () => run('RANDOM') as number);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(1);
  });
});

describe('trigonometry', () => {
  table([
    ['SIN', [i(7)], 0.6569865987187891],
    ['COS', [d(-9.1)], -0.9477216021311119],
    ['TAN', [i(-6)], 0.29100619138474915],
    ['COT', [i(0)], Infinity],
    ['ASIN', [i(2)], NaN],
    ['ACOS', [d(0.43)], 1.1263035498590777],
    ['ATAN', [l(-6n)], -1.4056476493802699],
    ['ATAN2', [d(1), d(1)], Math.PI / 4],
    ['SINH', [i(6)], 201.71315737027922],
    ['COSH', [d(0.43)], 1.0938833091357742],
    ['TANH', [i(0)], 0],
    ['DEGREES', [i(2)], 114.59155902616465],
    ['RADIANS', [d(70.73163980890013)], 1.2345],
  ]);
});

describe('GREATEST and LEAST', () => {
  table([
    ['GREATEST', [i(2147483647), i(-2147483648), i(null), NULL, lit(INT, 5)], 2147483647, 'INTEGER'],
    ['LEAST', [i(2147483647), i(-2147483648), i(null)], -2147483648],
    ['GREATEST', [l(9223372036854775807n), l(-1n)], 9223372036854775807n, 'BIGINT'],
    ['GREATEST', [dec('123456.789', 9, 3), dec('-987654.321', 9, 3), NULL], D('123456.789'), 'DECIMAL(9, 3)'],
    ['LEAST', [dec('1234567.89', 9, 2), dec('0.123456', 7, 6)], D('0.123456'), 'DECIMAL(13, 6)'],
    ['GREATEST', [dec('1.5', 2, 1), dec('0.25', 3, 2)], D('1.50'), 'DECIMAL(3, 2)'],
    ['GREATEST', [i(-1), l(1000000000000n), dec('99999.99999', 30, 18), d(null), NULL], 1000000000000, 'DOUBLE'],
    ['GREATEST', [col(STRING, 'apple'), col(STRING, 'banana'), col(STRING, null), lit(STRING, 'hello')], 'hello', 'STRING'],
    ['LEAST', [col(STRING, '!'), col(STRING, 'zebra')], '!'],
    ['GREATEST', [col(STRING, null), col(STRING, null)], null],
    ['GREATEST', [col(DATE, 19071), col(DATE, -5883), lit(STRING, '2022-06-14')], 19157, 'DATE'],
    ['LEAST', [col(DATE, 19071), col(DATE, -5883), lit(STRING, '2022-06-14')], -5883],
  ]);

  it('compares BYTES as Java compares ByteBuffers: signed bytes', () => {
    const b = (hex: string) => col(BYTES, Buffer.from(hex, 'hex'));
    expect((run('GREATEST', b('01'), b('ff')) as Buffer).toString('hex')).toBe('01');
    expect((run('LEAST', b('61'), b('6162')) as Buffer).toString('hex')).toBe('61');
  });
});

import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INT,
  STRING,
  arrayType,
  decimalType,
  formatType,
  mapType,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { NULL, call, col, lambda, lit, run, type Arg } from './harness.js';

const ints = (v: (number | null)[] | null) => col(arrayType(INT), v);
const strs = (v: (string | null)[] | null) => col(arrayType(STRING), v);
const D = (t: string) => Decimal.parse(t);

type Case = readonly [string, readonly Arg[], unknown];
function table(cases: readonly Case[]) {
  it.each(cases.map(([fn, args, want], k) => ({ fn, args, want, k })))('#$k $fn', ({ fn, args, want }) => {
    expect(run(fn, ...args)).toEqual(want);
  });
}

describe('array functions', () => {
  table([
    ['ARRAY_CONTAINS', [strs(['Pink', null]), lit(STRING, 'Pink')], true],
    ['ARRAY_CONTAINS', [strs(['Red']), lit(STRING, 'Pink')], false],
    ['ARRAY_CONTAINS', [strs(null), lit(STRING, 'Pink')], false],
    ['ARRAY_CONTAINS', [col(arrayType(arrayType(INT)), [[1, 2]]), ints([1, 2])], true],
    ['ARRAY_LENGTH', [col(arrayType(mapType(STRING, INT)), [new Map(), new Map()])], 2],
    ['ARRAY_LENGTH', [ints(null)], null],
    ['ARRAY_DISTINCT', [ints([0, null, 1, 0, -1, null])], [0, null, 1, -1]],
    [
      'ARRAY_DISTINCT',
      [col(arrayType(mapType(STRING, INT)), [new Map([['a', 1], ['b', 2]]), new Map([['b', 2], ['a', 1]])])],
      [new Map([['a', 1], ['b', 2]])],
    ],
    ['ARRAY_DISTINCT', [col(arrayType(decimalType(2, 1)), [D('1.0'), D('1.0'), D('-0.2')])], [D('1.0'), D('-0.2')]],
    ['ARRAY_EXCEPT', [ints([0, 0, 1, 0, -1]), ints([1, -2])], [0, -1]],
    ['ARRAY_EXCEPT', [ints([0, 1]), ints(null)], null],
    ['ARRAY_INTERSECT', [ints([0, 0, 1, 0, -1]), ints([1, -2, 0])], [0, 1]],
    ['ARRAY_UNION', [ints([0, 0, 1, 0, -1]), ints([1, -2, 0])], [0, 1, -1, -2]],
    ['ARRAY_UNION', [ints(null), ints([1])], null],
    ['ARRAY_CONCAT', [ints([0, 1]), ints([1])], [0, 1, 1]],
    ['ARRAY_CONCAT', [ints(null), ints([1])], [1]],
    ['ARRAY_CONCAT', [ints(null), ints(null)], null],
    ['ARRAY_MAX', [strs(['foo', 'fo', 'Food', null, 'F', 'food'])], 'food'],
    ['ARRAY_MIN', [strs(['foo', 'fo', 'Food', null, 'F', 'food'])], 'F'],
    ['ARRAY_MAX', [col(arrayType(BOOLEAN), [null, false, true])], true],
    ['ARRAY_MIN', [col(arrayType(decimalType(2, 1)), [D('1.0'), D('-9.9'), null])], D('-9.9')],
    ['ARRAY_MAX', [col(arrayType(BIGINT), [])], null],
    ['ARRAY_SORT', [strs(['foo', 'fo', 'Food', null, 'F', 'food'])], ['F', 'Food', 'fo', 'foo', 'food', null]],
    ['ARRAY_SORT', [ints([3, null, 1]), lit(STRING, 'desc')], [3, 1, null]],
    ['ARRAY_SORT', [ints([3, 1]), lit(STRING, 'sideways')], null],
    ['ARRAY_SORT', [col(arrayType(DOUBLE), [0.3, -12345.678, 0])], [-12345.678, 0, 0.3]],
    ['ARRAY_REMOVE', [strs(['foo', 'bar', 'foo']), lit(STRING, 'foo')], ['bar']],
    ['ARRAY_REMOVE', [ints([0, null, 1]), NULL], [0, 1]],
    ['ARRAY_REMOVE', [col(arrayType(arrayType(STRING)), [['foo'], null, ['bar']]), strs(['foo'])], [null, ['bar']]],
    ['ARRAY_REMOVE', [ints(null), lit(INT, 1)], null],
    ['ARRAY_JOIN', [col(arrayType(BOOLEAN), [true, null, false])], 'true,null,false'],
    ['ARRAY_JOIN', [col(arrayType(DOUBLE), [1.23, -23.42, 0]), lit(STRING, ' ')], '1.23 -23.42 0.0'],
    ['ARRAY_JOIN', [col(arrayType(BIGINT), [-4294967297n, 8589934592n]), lit(STRING, ';')], '-4294967297;8589934592'],
    ['ARRAY_JOIN', [col(arrayType(decimalType(5, 2)), [D('123.45'), D('987.65')]), NULL], '123.45987.65'],
    ['ARRAY_JOIN', [strs(null)], null],
    ['SLICE', [strs(['a', 'b', 'c', 'd']), lit(INT, 2), lit(INT, 3)], ['b', 'c']],
    ['SLICE', [strs(['a', 'b']), NULL, lit(INT, 1)], ['a']],
    ['SLICE', [strs(['a', 'b']), lit(INT, 2), NULL], ['b']],
    ['SLICE', [strs(['a', 'b']), lit(INT, 0), lit(INT, 1)], null],
    ['SLICE', [strs(['a', 'b']), lit(INT, 1), lit(INT, 5)], null],
    ['GENERATE_SERIES', [lit(INT, 0), lit(INT, 3)], [0, 1, 2, 3]],
    ['GENERATE_SERIES', [lit(INT, 4), lit(INT, 0)], [4, 3, 2, 1, 0]],
    ['GENERATE_SERIES', [lit(INT, -2), lit(INT, 1), lit(INT, 2)], [-2, 0]],
    ['GENERATE_SERIES', [lit(INT, 9), lit(INT, 0), lit(INT, -3)], [9, 6, 3, 0]],
    ['GENERATE_SERIES', [col(BIGINT, 1n), col(BIGINT, 3n)], [1n, 2n, 3n]],
    [
      'ENTRIES',
      [col(mapType(STRING, INT), new Map([['K2', 2], ['K1', 1]])), lit(BOOLEAN, true)],
      [
        { K: 'K1', V: 1 },
        { K: 'K2', V: 2 },
      ],
    ],
    ['ENTRIES', [col(mapType(STRING, INT), null), lit(BOOLEAN, true)], null],
  ]);

  it('rejects a series step that cannot reach the end', () => {
    expect(() => run('GENERATE_SERIES', lit(INT, 0), lit(INT, 3), lit(INT, 0))).toThrow(/zero/);
    expect(() => run('GENERATE_SERIES', lit(INT, 0), lit(INT, 3), lit(INT, -1))).toThrow(/wrong sign/);
  });

  it('types results from the element type', () => {
    expect(formatType(call('ARRAY_DISTINCT', ints([1])).type)).toBe('ARRAY<INTEGER>');
    expect(formatType(call('ARRAY_MAX', col(arrayType(decimalType(2, 1)), [])).type)).toBe('DECIMAL(2, 1)');
    expect(formatType(call('ENTRIES', col(mapType(STRING, DOUBLE), new Map()), lit(BOOLEAN, false)).type)).toBe(
      'ARRAY<STRUCT<K STRING, V DOUBLE>>',
    );
    expect(formatType(call('GENERATE_SERIES', lit(INT, 0), lit(INT, 1)).type)).toBe('ARRAY<INTEGER>');
  });
});

describe('map functions', () => {
  const m = (entries: [string, number | null][] | null) =>
    col(mapType(STRING, INT), entries === null ? null : new Map(entries));
  table([
    ['MAP_KEYS', [m([['foo', 10], ['bar', null]])], ['foo', 'bar']],
    ['MAP_KEYS', [m(null)], null],
    ['MAP_VALUES', [m([['foo', 10], ['bar', null]])], [10, null]],
    ['MAP_UNION', [m([['foo', 10], ['bar', 20]]), m([['foo', 99], ['apple', -1]])], new Map([['foo', 99], ['bar', 20], ['apple', -1]])],
    ['MAP_UNION', [m([['foo', 10]]), m([['foo', null]])], new Map([['foo', null]])],
    ['MAP_UNION', [m(null), m([['foo', null]])], new Map([['foo', null]])],
    ['MAP_UNION', [m(null), m(null)], null],
    ['AS_MAP', [strs(['a', 'b']), ints([1])], new Map([['a', 1], ['b', null]])],
  ]);

  it('types results from the key and value types', () => {
    expect(formatType(call('MAP_VALUES', m([])).type)).toBe('ARRAY<INTEGER>');
    expect(formatType(call('AS_MAP', strs([]), col(arrayType(DOUBLE), [])).type)).toBe('MAP<STRING, DOUBLE>');
  });
});

describe('lambda functions', () => {
  const same = (ps: readonly SqlType[]) => ps[0]!;
  table([
    ['TRANSFORM', [ints([3, 6]), lambda(1, same, (x: number) => x + 5)], [8, 11]],
    ['TRANSFORM', [strs(['a', null]), lambda(1, same, (x: string | null) => (x === null ? null : x.toUpperCase()))], ['A', null]],
    ['TRANSFORM', [ints(null), lambda(1, same, (x: number) => x)], null],
    [
      'TRANSFORM',
      [
        col(mapType(STRING, arrayType(INT)), new Map([['a', [2, 4]], ['b', [-1, -2]]])),
        lambda(2, () => STRING, (k: string) => k + '_test'),
        lambda(2, () => INT, (_k: string, v: number[]) => Math.min(...v) + 1),
      ],
      new Map([['a_test', 3], ['b_test', -1]]),
    ],
    ['FILTER', [ints([1, 5, null, 3]), lambda(1, () => BOOLEAN, (x: number | null) => (x === null ? null : x < 4))], [1, 3]],
    [
      'FILTER',
      [col(mapType(STRING, INT), new Map([['a', 1], ['bcd', 2]])), lambda(2, () => BOOLEAN, (k: string) => k.length > 2)],
      new Map([['bcd', 2]]),
    ],
    ['REDUCE', [ints([3, 6]), lit(INT, 2), lambda(2, same, (s: number, x: number) => s + x)], 11],
    ['REDUCE', [ints(null), lit(INT, 2), lambda(2, same, (s: number, x: number) => s + x)], 2],
    ['REDUCE', [ints([1, 2]), col(BIGINT, null), lambda(2, same, (s: bigint, x: number) => s + BigInt(x))], null],
    ['REDUCE', [strs(['blah', null]), lit(STRING, ''), lambda(2, same, (s: string, x: string | null) => s + (x ?? ''))], 'blah'],
    [
      'REDUCE',
      [
        col(mapType(STRING, INT), new Map([['12', 7], ['123', 3], ['1234', 2]])),
        lit(INT, 0),
        lambda(3, same, (s: number, k: string, v: number) => (k.length > 3 ? s + v : s - v)),
      ],
      -8,
    ],
    ['REDUCE', [col(mapType(STRING, INT), null), lit(INT, 0), lambda(3, same, (s: number) => s)], 0],
  ]);

  it('types TRANSFORM of a map from both lambdas', () => {
    const r = call(
      'TRANSFORM',
      col(mapType(STRING, INT), new Map([['a', 1]])),
      lambda(2, () => INT, (_k: string, v: number) => v),
      lambda(2, () => STRING, (k: string) => k),
    );
    expect(formatType(r.type)).toBe('MAP<INTEGER, STRING>');
    expect(r.value).toEqual(new Map([[1, 'a']]));
  });
});

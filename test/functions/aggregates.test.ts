import { describe, expect, it } from 'vitest';
import type { AggregateImpl } from '../../planner/functions.js';
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
  structType,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';

/** Resolves an aggregate by argument types (literal-only arguments given as values). */
function agg(name: string, types: readonly SqlType[], literals: readonly unknown[] = []): { impl: AggregateImpl; type: string } {
  const r = defaultRegistry().resolveAggregate(
    name,
    types.map((type, i) => (literals[i] === undefined ? { kind: 'value', type } : { kind: 'value', type, literal: literals[i] })),
  );
  return { impl: r.overload.make({ ...r.call, returnType: r.returnType }), type: formatType(r.returnType) };
}

/** Feeds rows one at a time, round-tripping the accumulator through its JSON state each time. */
function feed(impl: AggregateImpl, rows: readonly unknown[][]): unknown[] {
  let acc = impl.init();
  return rows.map((row) => {
    acc = impl.add(acc, ...row);
    acc = impl.fromState(JSON.parse(JSON.stringify(impl.toState(acc))));
    return impl.result(acc);
  });
}

const rows = (...xs: unknown[]) => xs.map((x) => [x]);

describe('COUNT, SUM, AVG', () => {
  it('COUNT counts rows, or non-NULL values, and can count back down', () => {
    const star = agg('COUNT', []);
    expect(star.type).toBe('BIGINT');
    expect(feed(star.impl, [[], [], []])).toEqual([1n, 2n, 3n]);
    const c = agg('COUNT', [STRING]).impl;
    expect(feed(c, rows('a', null, 'b'))).toEqual([1n, 1n, 2n]);
    let acc = c.add(c.add(c.init(), 'a'), 'b');
    acc = c.undo!(acc, 'a');
    acc = c.undo!(acc, 'b');
    expect(c.result(acc)).toBe(0n);
  });

  it('SUM keeps the argument type and exactness', () => {
    const i = agg('SUM', [INT]);
    expect(i.type).toBe('INTEGER');
    expect(feed(i.impl, rows(0, 100, null, 500))).toEqual([0, 100, 100, 600]);
    const l = agg('SUM', [BIGINT]);
    expect(feed(l.impl, rows(9007199254740993n, 2n))).toEqual([9007199254740993n, 9007199254740995n]);
    const d = agg('SUM', [decimalType(6, 2)]);
    expect(d.type).toBe('DECIMAL(6, 2)');
    expect(feed(d.impl, rows(Decimal.parse('5.40'), Decimal.parse('100.10')))).toEqual([Decimal.parse('5.40'), Decimal.parse('105.50')]);
    const small = agg('SUM', [decimalType(4, 1)]).impl;
    expect(() => feed(small, rows(Decimal.parse('500.9'), Decimal.parse('600.0')))).toThrow(/Numeric field overflow/);
    expect(agg('SUM', [DOUBLE]).impl.result(agg('SUM', [DOUBLE]).impl.init())).toBe(0);
  });

  it('SUM retracts and merges', () => {
    const s = agg('SUM', [BIGINT]).impl;
    const a = s.add(s.add(s.init(), 5n), 7n);
    expect(s.result(s.undo!(a, 5n))).toBe(7n);
    expect(s.result(s.merge!(s.add(s.init(), 1n), s.add(s.init(), 2n)))).toBe(3n);
  });

  it('SUM_LIST sums the elements of arrays', () => {
    const s = agg('SUM_LIST', [arrayType(BIGINT)]);
    expect(s.type).toBe('BIGINT');
    expect(feed(s.impl, rows([1n, 1n], [922337203685n, 1n], [1n, null]))).toEqual([2n, 922337203688n, 922337203689n]);
  });

  it('AVG averages as a DOUBLE', () => {
    const a = agg('AVG', [INT]);
    expect(a.type).toBe('DOUBLE');
    expect(feed(a.impl, rows(1, null, 2))).toEqual([1, 1, 1.5]);
    expect(a.impl.result(a.impl.init())).toBe(0);
    expect(feed(agg('AVG', [decimalType(4, 1)]).impl, rows(Decimal.parse('1.5'), Decimal.parse('2.0')))).toEqual([1.5, 1.75]);
  });
});

describe('MIN, MAX, ATTR', () => {
  it('MIN and MAX ignore NULLs and merge', () => {
    const max = agg('MAX', [STRING]);
    expect(max.type).toBe('STRING');
    expect(feed(max.impl, rows(null, 'b', 'a', 'c'))).toEqual([null, 'b', 'b', 'c']);
    const min = agg('MIN', [decimalType(3, 1)]);
    expect(min.type).toBe('DECIMAL(3, 1)');
    expect(feed(min.impl, rows(Decimal.parse('1.5'), Decimal.parse('-0.5')))).toEqual([Decimal.parse('1.5'), Decimal.parse('-0.5')]);
    expect(max.impl.result(max.impl.merge!('x', 'y'))).toBe('y');
    expect(max.impl.undo).toBeUndefined();
  });

  it('ATTR is the common value, NULL counting as a value, and retractable', () => {
    const a = agg('ATTR', [STRING]).impl;
    expect(feed(a, rows('s', 's'))).toEqual(['s', 's']);
    expect(feed(a, rows('1', null, '1'))).toEqual(['1', null, null]);
    expect(feed(a, rows(null, '2', '2'))).toEqual([null, null, null]);
    let acc = a.add(a.add(a.init(), '1'), '2');
    acc = a.undo!(acc, '1');
    expect(a.result(acc)).toBe('2');
    const st = structType([{ name: 'A', type: INT }]);
    expect(feed(agg('ATTR', [st]).impl, rows({ A: 1 }, { A: 1 }))).toEqual([{ A: 1 }, { A: 1 }]);
  });
});

describe('collections', () => {
  it('COLLECT_LIST keeps order and NULLs; undo removes one occurrence', () => {
    const c = agg('COLLECT_LIST', [INT]);
    expect(c.type).toBe('ARRAY<INTEGER>');
    expect(feed(c.impl, rows(500, 100, null))).toEqual([[500], [500, 100], [500, 100, null]]);
    const acc = c.impl.add(c.impl.add(c.impl.add(c.impl.init(), 1), 2), 1);
    expect(c.impl.result(c.impl.undo!(acc, 1))).toEqual([2, 1]);
  });

  it('COLLECT_LIST stops at 1000 entries', () => {
    const c = agg('COLLECT_LIST', [INT]).impl;
    let acc = c.init();
    for (let i = 0; i < 1005; i++) acc = c.add(acc, i);
    expect((c.result(acc) as number[]).length).toBe(1000);
  });

  it('COLLECT_SET keeps distinct values, maps compared by content', () => {
    const m = (o: Record<string, bigint>) => new Map(Object.entries(o));
    const c = agg('COLLECT_SET', [mapType(STRING, BIGINT)]);
    expect(feed(c.impl, rows(m({ a: 100n, b: 2n }), m({ b: 2n, a: 100n }), null))).toEqual([
      [m({ a: 100n, b: 2n })],
      [m({ a: 100n, b: 2n })],
      [m({ a: 100n, b: 2n }), null],
    ]);
  });

  it('HISTOGRAM counts occurrences and forgets zero counts', () => {
    const h = agg('HISTOGRAM', [STRING]);
    expect(h.type).toBe('MAP<STRING, BIGINT>');
    expect(feed(h.impl, rows('foo', 'bar', 'foo'))).toEqual([
      new Map([['foo', 1n]]),
      new Map([['foo', 1n], ['bar', 1n]]),
      new Map([['foo', 2n], ['bar', 1n]]),
    ]);
    const acc = h.impl.add(h.impl.init(), 'x');
    expect(h.impl.result(h.impl.undo!(acc, 'x'))).toEqual(new Map());
  });

  it('TOPK and TOPKDISTINCT keep the k greatest, descending', () => {
    const t = agg('TOPK', [INT, INT], [undefined, 3]);
    expect(t.type).toBe('ARRAY<INTEGER>');
    expect(feed(t.impl, rows(0, 100, 99, 7, 100))).toEqual([[0], [100, 0], [100, 99, 0], [100, 99, 7], [100, 100, 99]]);
    const d = agg('TOPKDISTINCT', [DOUBLE, INT], [undefined, 2]);
    expect(feed(d.impl, rows(1.5, 2.5, 2.5, null))).toEqual([[1.5], [2.5, 1.5], [2.5, 1.5], [2.5, 1.5]]);
    expect(() => agg('TOPK', [INT, INT])).toThrow(/must be a literal/);
  });

  it('TOPK carries other columns of the row in a STRUCT with the sort value', () => {
    const t = agg('TOPK', [INT, STRING, INT], [undefined, undefined, 2]);
    expect(t.type).toBe('ARRAY<STRUCT<`sort_col` INTEGER, `col0` STRING>>');
    const out = feed(t.impl, [
      [0, 'zero', 2],
      [100, 'one', 2],
      [null, 'none', 2],
      [99, 'two', 2],
    ]);
    expect(out[3]).toEqual([
      { sort_col: 100, col0: 'one' },
      { sort_col: 99, col0: 'two' },
    ]);
    expect(out[2]).toEqual(out[1]);
  });

  it('COUNT_DISTINCT counts distinct non-NULL values', () => {
    const c = agg('COUNT_DISTINCT', [STRING]);
    expect(c.type).toBe('BIGINT');
    expect(feed(c.impl, rows('one', 'two', 'one', null))).toEqual([1n, 2n, 2n, 2n]);
  });
});

describe('EARLIEST_BY_OFFSET and LATEST_BY_OFFSET', () => {
  it('skip NULLs by default', () => {
    expect(feed(agg('EARLIEST_BY_OFFSET', [INT]).impl, rows(null, 12, 13))).toEqual([null, 12, 12]);
    expect(feed(agg('LATEST_BY_OFFSET', [INT]).impl, rows(12, null, 13))).toEqual([12, 12, 13]);
  });

  it('keep NULLs when told to, and return n values as an array', () => {
    expect(feed(agg('EARLIEST_BY_OFFSET', [INT, BOOLEAN], [undefined, false]).impl, rows(null, 13))).toEqual([null, null]);
    const e = agg('EARLIEST_BY_OFFSET', [INT, INT, BOOLEAN], [undefined, 2, false]);
    expect(e.type).toBe('ARRAY<INTEGER>');
    expect(feed(e.impl, rows(null, 13, 14))).toEqual([[null], [null, 13], [null, 13]]);
    const l = agg('LATEST_BY_OFFSET', [INT, INT], [undefined, 2]);
    expect(feed(l.impl, rows(1, null, 2, 3))).toEqual([[1], [1], [1, 2], [2, 3]]);
  });

  it('merge session windows by arrival order', () => {
    const e = agg('EARLIEST_BY_OFFSET', [STRING]).impl;
    const first = e.add(e.init(), 'first');
    const second = e.add(e.init(), 'second');
    expect(e.result(e.merge!(second, first))).toBe('first');
    const l = agg('LATEST_BY_OFFSET', [STRING]).impl;
    const a = l.add(l.init(), 'a');
    const b = l.add(l.init(), 'b');
    expect(l.result(l.merge!(b, a))).toBe('b');
  });
});

describe('statistics', () => {
  it('STDDEV_SAMPLE matches ksqlDB, including retraction and merging', () => {
    const s = agg('STDDEV_SAMPLE', [INT]);
    expect(s.type).toBe('DOUBLE');
    const out = feed(s.impl, rows(0, 10, 7, null, 6)) as number[];
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(7.0710678118654755, 12);
    expect(out[4]).toBeCloseTo(4.193248541803041, 12);
    const i = s.impl;
    let acc = [0, 10, 7, 6].reduce((a, x) => i.add(a, x), i.init());
    acc = i.undo!(acc, 6);
    expect(i.result(acc)).toBeCloseTo(5.131601439446884, 12);
    const merged = i.merge!(i.add(i.add(i.init(), 0), 10), i.add(i.add(i.init(), 7), 6));
    expect(i.result(merged)).toBeCloseTo(4.193248541803041, 12);
    const pop = agg('STDDEV_POP', [DOUBLE]).impl;
    expect(pop.result([2, 4, 4, 4, 5, 5, 7, 9].reduce((a, x) => pop.add(a, x), pop.init()))).toBe(2);
  });

  it("STDDEV_SAMP is ksqlDB's: the sample variance, in the argument's Java arithmetic", () => {
    const s = agg('STDDEV_SAMP', [INT]).impl;
    expect(feed(s, rows(0, 10, 50))).toEqual([0, 50, 700]);
    // Merging sessions averages each side with integer division, as ksqlDB does for INT.
    const merged = s.merge!(s.add(s.add(s.init(), 0), 10), s.add(s.add(s.init(), 7), 6));
    expect(s.result(merged)).toBeCloseTo(51.5 / 3, 12);
    // BIGINT sums wrap like Java's long and survive the JSON state.
    const l = agg('STDDEV_SAMP', [BIGINT]).impl;
    expect(feed(l, rows(2147483648n, 100n))[1]).toBeCloseTo(2305842794465334300, -5);
    // A DECIMAL widens to DOUBLE.
    expect(agg('STDDEV_SAMP', [decimalType(4, 1)]).impl.result(agg('STDDEV_SAMP', [DOUBLE]).impl.init())).toBe(0);
  });

  it('CORRELATION ignores rows with a NULL side', () => {
    const c = agg('CORRELATION', [DOUBLE, DOUBLE]);
    const out = feed(c.impl, [
      [1.5, 8],
      [-1, -2],
      [-4.5, -1],
      [null, -6],
    ]) as number[];
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(1, 12);
    expect(out[2]).toBeCloseTo(0.7580764521133173, 12);
    expect(out[3]).toBeCloseTo(0.7580764521133173, 12);
    const ints = agg('CORRELATION', [INT, INT]);
    expect(ints.type).toBe('DOUBLE');
  });
});

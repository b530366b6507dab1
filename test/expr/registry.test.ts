// The typer and compiler against the real function registry: overload resolution, generics,
// lambdas over arrays and maps, and time units, end to end.

import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../grammar/index.js';
import { typeExpression } from '../../planner/expressions/typer.js';
import { INT, STRING, TIMESTAMP, arrayType, mapType } from '../../planner/types.js';
import { compileExpression } from '../../runtime/expr/compile.js';
import { createDefaultRegistry } from '../../runtime/functions/registry.js';
import { TestScope, type TestColumn } from './fixtures.js';

const functions = createDefaultRegistry();
const COLS: TestColumn[] = [
  { name: 'ARR', type: arrayType(INT) },
  { name: 'M', type: mapType(STRING, INT) },
  { name: 'S', type: STRING },
  { name: 'TS', type: TIMESTAMP },
];
const ROW = [[1, 2, 3], new Map([['a', 1], ['b', 2]]), 'hello', 1000];

function ev(text: string): unknown {
  const typed = typeExpression(parseExpression(text), new TestScope(COLS), { functions, resolveType: () => undefined });
  return compileExpression(typed, { functions })(ROW);
}

describe('with the built-in functions', () => {
  it('runs lambdas over arrays and maps', () => {
    expect(ev('TRANSFORM(ARR, x => x * 2)')).toEqual([2, 4, 6]);
    expect(ev('REDUCE(ARR, 0, (s, x) => s + x)')).toBe(6);
    expect(ev('FILTER(M, (k, v) => v > 1)')).toEqual(new Map([['b', 2]]));
    expect(ev("TRANSFORM(M, (k, v) => k + 'z', (k, v) => v * 10)")).toEqual(new Map([['az', 10], ['bz', 20]]));
  });

  it('resolves overloads, || and time units', () => {
    expect(ev("UCASE(S) || '!'")).toBe('HELLO!');
    expect(ev("CONCAT(S, ' ', 'world')")).toBe('hello world');
    expect(ev('TIMESTAMPADD(SECONDS, 1, TS)')).toBe(2000);
    expect(ev("TIMESTAMPADD(SECONDS, 1, '2020-01-01')")).toBe(1577836801000);
    expect(ev('COALESCE(NULL, S)')).toBe('hello');
  });
});

import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIMESTAMP,
  arrayType,
  decimalType,
  mapType,
  structType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { compileExpression, type NestedErrorSink } from '../../runtime/expr/compile.js';
import { EvaluationError } from '../../runtime/expr/errors.js';
import { evaluate, sideEffects, testCatalog, thrown, typeSql, type TestColumn } from './fixtures.js';

const dec = (s: string): Decimal => Decimal.parse(s);

const COLS: TestColumn[] = [
  { name: 'I', type: INT },
  { name: 'L', type: BIGINT },
  { name: 'D', type: DOUBLE },
  { name: 'S', type: STRING },
  { name: 'B', type: BOOLEAN },
  { name: 'DEC', type: decimalType(4, 2) },
  { name: 'DEC2', type: decimalType(5, 3) },
  { name: 'TS', type: TIMESTAMP },
  { name: 'DT', type: DATE },
  { name: 'ARR', type: arrayType(INT) },
  { name: 'M', type: mapType(STRING, BIGINT) },
  { name: 'ST', type: structType([{ name: 'F0', type: INT }, { name: 'INNER', type: structType([{ name: 'X', type: STRING }]) }]) },
  { name: 'BIN', type: BYTES },
  { name: 'NUL', type: INT },
];
type Row = {
  I?: number | null;
  L?: bigint | null;
  D?: number | null;
  S?: string | null;
  B?: boolean | null;
  DEC?: Decimal | null;
  DEC2?: Decimal | null;
  TS?: number | null;
  DT?: number | null;
  ARR?: (number | null)[] | null;
  M?: Map<string, bigint | null> | null;
  ST?: Record<string, unknown> | null;
  BIN?: Buffer | null;
};

/** Evaluates over one row; columns not given are null. */
function ev(text: string, row: Row = {}, onError?: NestedErrorSink): unknown {
  const values = COLS.map((c) => (row as Record<string, unknown>)[c.name] ?? null);
  return evaluate(text, COLS, values, onError);
}

/** Evaluates, collecting the errors that sub-expressions recovered from. */
function evContained(text: string, row: Row = {}): { value: unknown; errors: string[] } {
  const errors: string[] = [];
  const value = ev(text, row, (e, where) => errors.push(`${where}: ${(e as Error).message}`));
  return { value, errors };
}
const failure = (text: string, row: Row = {}): Error => thrown(() => ev(text, row));

describe('integer arithmetic', () => {
  it('wraps INT at 32 bits and BIGINT at 64, like Java', () => {
    expect(ev('I + 1', { I: 2147483647 })).toBe(-2147483648);
    expect(ev('I * 2', { I: 1_500_000_000 })).toBe(-1294967296);
    expect(ev('-I', { I: -2147483648 })).toBe(-2147483648);
    expect(ev('L + 1', { L: 9223372036854775807n })).toBe(-9223372036854775808n);
    expect(ev('L * L', { L: 3037000500n })).toBe(BigInt.asIntN(64, 3037000500n * 3037000500n));
  });

  it('keeps BIGINT exact beyond 2^53', () => {
    expect(ev('L + 1', { L: 9007199254740993n })).toBe(9007199254740994n);
  });

  it('truncates division and keeps the sign of the dividend for %', () => {
    expect(ev('I / 2', { I: -7 })).toBe(-3);
    expect(ev('I % 3', { I: -7 })).toBe(-1);
    expect(Object.is(ev('I % 2', { I: -4 }), 0)).toBe(true);
    expect(ev('L / 2', { L: -7n })).toBe(-3n);
    expect(ev('I / -1', { I: -2147483648 })).toBe(-2147483648);
  });

  it('throws an EvaluationError on integer division by zero', () => {
    expect(failure('I / 0', { I: 1 })).toBeInstanceOf(EvaluationError);
    expect(failure('L % 0', { L: 1n }).message).toBe('/ by zero');
  });

  it('follows IEEE for DOUBLE', () => {
    expect(ev('D / 0', { D: 1 })).toBe(Infinity);
    expect(ev('D % 2', { D: -5.5 })).toBe(-1.5);
    expect(ev('I + D', { I: 1, D: 0.5 })).toBe(1.5);
  });

  it('concatenates strings with +', () => {
    expect(ev("'a-' + S + '-b'", { S: 'cat' })).toBe('a-cat-b');
  });
});

describe('DECIMAL arithmetic', () => {
  it('computes exactly at the result scale', () => {
    expect(String(ev('DEC + DEC', { DEC: dec('10.01') }))).toBe('20.02');
    expect(String(ev('DEC - DEC2', { DEC: dec('10.10'), DEC2: dec('5.100') }))).toBe('5.000');
    expect(String(ev('1.234567 * 5.678'))).toBe('7.009871426');
    expect(String(ev('3.4 / 2.0 + 199.4'))).toBe('201.100000');
    expect(String(ev('DEC % 2', { DEC: dec('10.10') }))).toBe('0.10');
    expect(String(ev('-DEC', { DEC: dec('10.12') }))).toBe('-10.12');
    expect(String(ev('I + DEC', { I: 1, DEC: dec('0.50') }))).toBe('1.50');
  });

  it('fails when a result outgrows its precision', () => {
    // Values wider than their declared type (a lenient serde) cannot make a result lie about its type.
    expect(failure('DEC + DEC', { DEC: dec('99999.99') }).message).toMatch(/^Numeric field overflow/);
  });

  it('fails rather than rounds, and on division by zero', () => {
    expect(failure('3.456 / 2.654 + 199.4').message).toBe('Rounding necessary');
    expect(failure('DEC % 0.00', { DEC: dec('10.10') })).toBeInstanceOf(EvaluationError);
  });

  it('compares by value, whatever the scale', () => {
    expect(ev('DEC = DEC2', { DEC: dec('1.10'), DEC2: dec('1.100') })).toBe(true);
    expect(ev('DEC < DEC2', { DEC: dec('10.01'), DEC2: dec('10.012') })).toBe(true);
    expect(ev('DEC < I', { DEC: dec('10.01'), I: 12 })).toBe(true);
  });
});

describe('null semantics', () => {
  it('fails numeric arithmetic on null, as Java unboxing does, but not string concatenation', () => {
    expect(failure('NUL + 1')).toBeInstanceOf(EvaluationError);
    expect(failure('DEC * 2')).toBeInstanceOf(EvaluationError);
    expect(failure('D / 2.0E0')).toBeInstanceOf(EvaluationError);
    expect(failure('-NUL')).toBeInstanceOf(EvaluationError);
    expect(ev("S + 'x'")).toBeNull();
    // ...so a lambda over an array holding a null fails the whole call.
    expect(failure('TRANSFORM(ARR, X => X + 5)', { ARR: [5, null] })).toBeInstanceOf(EvaluationError);
  });

  it('makes comparisons with null false, as ksqlDB does', () => {
    expect(ev('NUL = 1')).toBe(false);
    expect(ev('NUL <> 1')).toBe(false);
    expect(ev('NOT (NUL = 1)')).toBe(true);
    expect(ev("S > 'a'")).toBe(false);
    expect(ev('NUL BETWEEN 1 AND 2')).toBe(false);
    expect(ev('NUL NOT BETWEEN 1 AND 2')).toBe(true);
  });

  it('uses three-valued AND / OR / NOT', () => {
    const truth = (expr: string, b: boolean | null): unknown => ev(expr, { B: b });
    expect(truth('B AND true', null)).toBeNull();
    expect(truth('B AND false', null)).toBe(false);
    expect(truth('B OR true', null)).toBe(true);
    expect(truth('B OR false', null)).toBeNull();
    expect(truth('NOT B', null)).toBeNull();
    expect(truth('B AND true', true)).toBe(true);
    expect(truth('B OR false', false)).toBe(false);
  });

  it('only evaluates the right side of AND / OR when it matters', () => {
    sideEffects.length = 0;
    expect(ev('B AND SIDE(true)', { B: false })).toBe(false);
    expect(ev('B OR SIDE(true)', { B: true })).toBe(true);
    expect(sideEffects).toEqual([]);
    expect(ev('B AND SIDE(true)', { B: true })).toBe(true);
    expect(sideEffects).toEqual([true]);
  });

  it('treats nulls as equal in IS [NOT] DISTINCT FROM', () => {
    expect(ev('NUL IS DISTINCT FROM NUL')).toBe(false);
    expect(ev('NUL IS DISTINCT FROM 1')).toBe(true);
    expect(ev('I IS NOT DISTINCT FROM NULL', { I: 1 })).toBe(false);
    expect(ev('NULL IS NOT DISTINCT FROM NULL')).toBe(true);
    expect(ev('D IS DISTINCT FROM 1.5E0', { D: 1.5 })).toBe(false);
  });

  it('never matches null in IN', () => {
    expect(ev('I IN (11, NULL, NUL)', { I: 11 })).toBe(true);
    expect(ev('I IN (NULL, NUL)', { I: 11 })).toBe(false);
    expect(ev('NUL IN (1, 2)')).toBe(false);
    expect(ev('NUL NOT IN (1, 2)')).toBe(true);
  });

  it('falls through CASE on a null condition', () => {
    expect(ev("CASE WHEN B THEN 'yes' ELSE 'default' END")).toBe('default');
    expect(ev("CASE WHEN D > 2.0 THEN 'big' END")).toBeNull();
    expect(ev("CASE NUL WHEN 1 THEN 'one' ELSE 'other' END")).toBe('other');
  });

  it('gives null for LIKE on null, IS NULL tells', () => {
    expect(ev("S LIKE 'a%'")).toBeNull();
    expect(ev('S IS NULL')).toBe(true);
    expect(ev('S IS NOT NULL', { S: '' })).toBe(true);
  });
});

describe('comparisons', () => {
  it('compares strings by UTF-16 code units, as Java does', () => {
    expect(ev("S < 'b'", { S: 'a' })).toBe(true);
    expect(ev("S < 'a'", { S: 'Z' })).toBe(true);
    expect(ev("S > '\uffff'", { S: '\u{1F600}' })).toBe(false);
  });

  it('never finds NaN equal, even to itself', () => {
    expect(ev('D = D', { D: NaN })).toBe(false);
    expect(ev('D <> D', { D: NaN })).toBe(false);
  });

  it('compares with typed literals', () => {
    expect(ev("DT = DATE '1970-01-11'", { DT: 10 })).toBe(true);
    expect(ev("BIN = BYTES 'AQI='", { BIN: Buffer.from([1, 2]) })).toBe(true);
  });

  it('parses strings compared with times', () => {
    expect(ev("TS = '1970-01-01T00:00:00.010'", { TS: 10 })).toBe(true);
    expect(ev("DT > '1970-01-11'", { DT: 11 })).toBe(true);
    expect(ev("DT BETWEEN '1970-01-04' AND '1970-01-10'", { DT: 6 })).toBe(true);
    expect(ev('TS >= DT', { TS: 864_000_000, DT: 10 })).toBe(true);
  });

  it('compares arrays, maps and structs structurally', () => {
    expect(ev('ARRAY[0, 1] = ARRAY[0, 1]')).toBe(true);
    expect(ev('ARR = ARRAY[1, NULL]', { ARR: [1, null] })).toBe(true);
    expect(ev("MAP('a' := 1) = MAP('a' := 1)")).toBe(true);
    expect(ev("M = MAP('a' := CAST(NULL AS BIGINT))", { M: new Map([['b', null]]) })).toBe(false);
    expect(ev('STRUCT(A := 1) <> STRUCT(A := 2)')).toBe(true);
    expect(ev('BIN = BIN', { BIN: Buffer.from([1, 2]) })).toBe(true);
  });
});

describe('IN lists', () => {
  it('matches after coercing to the common type', () => {
    expect(ev("I IN (1, 2.0, 3.00, '4.000', 5.10, L, D, DEC)", { I: 4, L: 0n, D: 0, DEC: dec('0.00') })).toBe(true);
    expect(ev("I IN (1, 2.0, 3.00, '4.000', 5.10)", { I: 5 })).toBe(false);
    expect(ev("I IN (1, '2147483648')", { I: -2147483648 })).toBe(false);
    expect(ev("S IN (true, 10, '10.1', 10.30)", { S: '10.30' })).toBe(true);
    expect(ev("S IN (true, 10, '10.1', 10.30)", { S: '10.3' })).toBe(false);
    expect(ev("B IN ('Y')", { B: true })).toBe(true);
  });

  it('evaluates items only until one matches', () => {
    sideEffects.length = 0;
    expect(ev('I IN (1, SIDE(2))', { I: 1 })).toBe(true);
    expect(sideEffects).toEqual([]);
  });
});

describe('collections', () => {
  it('indexes arrays from 1, negative from the end, null out of range', () => {
    const arr = [10, 20, 30];
    expect(ev('ARR[1]', { ARR: arr })).toBe(10);
    expect(ev('ARR[-1]', { ARR: arr })).toBe(30);
    expect(ev('ARR[0]', { ARR: arr })).toBeNull();
    expect(ev('ARR[4]', { ARR: arr })).toBeNull();
    expect(ev('ARR[-4]', { ARR: arr })).toBeNull();
    expect(ev('ARR[NUL]', { ARR: arr })).toBeNull();
    expect(ev('ARR[1]')).toBeNull();
  });

  it('reads maps by key and structs by field, null when absent', () => {
    const m = new Map([['a', 1n]]);
    expect(ev("M['a']", { M: m })).toBe(1n);
    expect(ev("M['b']", { M: m })).toBeNull();
    expect(ev("M['a']")).toBeNull();
    expect(ev('ST->F0', { ST: { F0: 5, INNER: { X: 'x' } } })).toBe(5);
    expect(ev('ST->INNER->X', { ST: { F0: 5, INNER: null } })).toBeNull();
    expect(ev('ST->INNER->X')).toBeNull();
    expect(ev('ST->F0', { ST: {} })).toBeNull();
  });

  it('builds arrays, maps and structs', () => {
    expect(ev('ARRAY[I, NUL, 3]', { I: 1 })).toEqual([1, null, 3]);
    expect(ev("ARRAY[NULL, 10, '2e1', I, L]", { I: 30, L: 40n })).toEqual([null, dec('10'), dec('20'), dec('30'), dec('40')]);
    expect(ev("MAP(S := I, 'k' := 2)", { S: 'x', I: 1 })).toEqual(new Map([['x', 1], ['k', 2]]));
    expect(ev('STRUCT(A := I, `a` := S)', { I: 1, S: 's' })).toEqual({ A: 1, a: 's' });
    const odd = ev('STRUCT(`__proto__` := 1)') as Record<string, unknown>;
    expect(Object.keys(odd)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
  });
});

describe('CASE, LIKE and casts', () => {
  it('evaluates only the branch it takes', () => {
    sideEffects.length = 0;
    expect(ev('CASE WHEN SIDE(true) THEN SIDE(100) WHEN SIDE(true) THEN SIDE(200) ELSE SIDE(300) END')).toBe(100);
    expect(sideEffects).toEqual([true, 100]);
    expect(ev('CASE I WHEN 1 THEN 10 WHEN 2 THEN 20 ELSE 30 END', { I: 2 })).toBe(20);
    expect(ev('CASE WHEN B THEN I ELSE L END', { B: true, I: 7 })).toBe(7n);
  });

  it('matches LIKE patterns with wildcards and escapes', () => {
    expect(ev("S LIKE '%oba%'", { S: 'foobar' })).toBe(true);
    expect(ev("S LIKE 'f_o'", { S: 'foo' })).toBe(true);
    expect(ev("S LIKE 'f_o'", { S: 'fooo' })).toBe(false);
    expect(ev("S LIKE '!%' ESCAPE '!'", { S: '%' })).toBe(true);
    expect(ev("S LIKE '!%' ESCAPE '!'", { S: 'x' })).toBe(false);
    expect(ev("S NOT LIKE 'a.c'", { S: 'abc' })).toBe(true);
    expect(ev('S LIKE S', { S: 'a(b' })).toBe(true);
  });

  it('casts with ksqlDB semantics', () => {
    expect(ev('CAST(D AS INT)', { D: -1.9 })).toBe(-1);
    expect(String(ev("CAST('123' AS DECIMAL(5, 1))"))).toBe('123.0');
    expect(ev('CAST(I AS STRING)', { I: -1 })).toBe('-1');
    // A constant cast that fails still fails per record, not while compiling; a failing CAST is null.
    expect(evContained("CAST('foo' AS TIMESTAMP)")).toEqual({
      value: null,
      errors: [expect.stringMatching(/^cast to TIMESTAMP: Failed to parse timestamp 'foo'/)],
    });
    expect(evContained('CAST(I / 0 AS STRING)', { I: 1 })).toEqual({ value: null, errors: ['cast to STRING: / by zero'] });
  });
});

describe('nested error handling', () => {
  it('makes a failing constructor element null and reports it', () => {
    expect(evContained('ARRAY[44, I / 0]', { I: 1 })).toEqual({ value: [44, null], errors: ['array item: / by zero'] });
    expect(evContained("MAP('a' := I / 0, 'b' := 2)", { I: 1 }).value).toEqual(new Map([['a', null], ['b', 2]]));
    expect(evContained('STRUCT(A := I / 0, B := 1)', { I: 1 }).value).toEqual({ A: null, B: 1 });
  });

  it('makes a failing call argument null, so the outer call still runs', () => {
    sideEffects.length = 0;
    expect(evContained('SIDE(ABS(L / 0))', { L: 1n })).toEqual({ value: null, errors: ['ABS: / by zero'] });
    // An argument cast to the parameter's type is contained too (ksqlDB casts it explicitly).
    expect(evContained('ABS(I / 0)', { I: 1 })).toEqual({ value: null, errors: ['cast to BIGINT: / by zero'] });
    expect(sideEffects).toEqual([null]);
  });

  it('fails the whole expression for a failing operand that is not contained', () => {
    expect(failure('ABS(L / 0)', { L: 1n })).toBeInstanceOf(EvaluationError);
    expect(failure('I / 0 + 1', { I: 1 })).toBeInstanceOf(EvaluationError);
  });

  it('swallows contained errors when no sink is given', () => {
    expect(ev('ARRAY[I / 0]', { I: 1 })).toEqual([null]);
  });
});

describe('functions and lambdas', () => {
  it('calls implementations with widened arguments', () => {
    expect(ev('ABS(I)', { I: -5 })).toBe(5n);
    expect(ev('ABS(NUL)')).toBeNull();
    expect(ev("S || '!'", { S: 'hi' })).toBe('hi!');
    expect(ev('TIMESTAMPADD(SECONDS, 2, TS)', { TS: 1000 })).toBe(3000);
  });

  it('runs lambdas that see both their parameters and the row', () => {
    expect(ev('TRANSFORM(ARR, X => X + I)', { ARR: [1, 2], I: 10 })).toEqual([11, 12]);
    expect(ev('FILTER(ARR, X => X > 1)', { ARR: [1, 2, 3] })).toEqual([2, 3]);
    expect(ev('TRANSFORM(ARRAY[ARRAY[1, 2], ARRAY[3]], X => TRANSFORM(X, Y => Y * 10))')).toEqual([[10, 20], [30]]);
    // An inner parameter of the same name shadows the outer one.
    expect(ev('TRANSFORM(ARRAY[ARRAY[1, 2]], X => TRANSFORM(X, X => X + 1))')).toEqual([[2, 3]]);
    expect(ev('FILTER(ARRAY[ARRAY[1, 2, 3], ARRAY[4, 6]], X => ARRAY_LENGTH(FILTER(X, Y => Y % 2 = 0)) > 1)')).toEqual([[4, 6]]);
  });

  it('compiles a typed tree that went through JSON', () => {
    const typed = typeSql('TRANSFORM(ARR, X => CAST(X AS DECIMAL(4, 1)) * DEC)', COLS);
    const fn = compileExpression(JSON.parse(JSON.stringify(typed)), { functions: testCatalog });
    const row = COLS.map((c) => (c.name === 'ARR' ? [1, 2] : c.name === 'DEC' ? dec('0.50') : null));
    expect((fn(row) as Decimal[]).map(String)).toEqual(['0.500', '1.000']);
  });
});

import { describe, expect, it } from 'vitest';
import { FunctionResolutionError, type ScalarFunction } from '../../planner/functions.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
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
import { lenient, strict } from '../../runtime/functions/define.js';
import { ANY_STRUCT, ARRAY_OF, LAMBDA, P_STRING, S, T } from '../../runtime/functions/params.js';
import { FunctionRegistry, createDefaultRegistry, defaultRegistry } from '../../runtime/functions/registry.js';
import { bound, formatSignature } from '../../runtime/functions/resolve.js';
import { NULL, call, col, lambda, lit, resolve, shapes, unit } from './harness.js';

const fmt = (t: SqlType | null) => (t === null ? null : formatType(t));

describe('lookup', () => {
  it('finds functions by name in any case and lists them sorted', () => {
    const reg = defaultRegistry();
    expect(reg.lookup('abs')?.name).toBe('ABS');
    expect(reg.lookup('Concat_Ws')?.kind).toBe('scalar');
    expect(reg.lookup('count')?.kind).toBe('aggregate');
    expect(reg.lookup('explode')?.kind).toBe('table');
    expect(reg.lookup('no_such_function')).toBeUndefined();
    const names = reg.list().map((f) => f.name);
    expect(names).toEqual([...names].sort());
  });

  it('memoises the default registry but builds fresh ones on request', () => {
    expect(defaultRegistry()).toBe(defaultRegistry());
    expect(createDefaultRegistry()).not.toBe(defaultRegistry());
  });

  it('rejects a second registration under the same name', () => {
    const reg = new FunctionRegistry();
    const fn: ScalarFunction = { kind: 'scalar', name: 'F', description: 'd', category: 'OTHER', overloads: [] };
    reg.register(fn);
    expect(() => reg.register({ ...fn, name: 'f' })).toThrow(/already registered/);
  });

  it('reports unknown names and calls of the wrong kind', () => {
    const reg = defaultRegistry();
    expect(() => reg.resolveScalar('foo', [])).toThrow("Can't find any functions with the name 'FOO'");
    expect(() => reg.resolveScalar('foo', [])).toThrow(FunctionResolutionError);
    expect(() => reg.resolveScalar('COUNT', [])).toThrow(/aggregate function/);
    expect(() => reg.resolveAggregate('ABS', shapes([col(INT, 1)]))).toThrow(/scalar function/);
  });
});

describe('exact matches and widening', () => {
  it('prefers the exact overload and keeps its return type', () => {
    expect(fmt(resolve('ABS', col(INT, -1)).returnType)).toBe('INTEGER');
    expect(fmt(resolve('ABS', col(BIGINT, -1n)).returnType)).toBe('BIGINT');
    expect(fmt(resolve('ABS', col(decimalType(4, 2), Decimal.parse('-1.50'))).returnType)).toBe('DECIMAL(4, 2)');
    expect(resolve('ABS', col(INT, -1)).castArgsTo).toEqual([null]);
  });

  it('widens INT → BIGINT → DECIMAL → DOUBLE when no overload matches exactly', () => {
    const r = resolve('SQRT', col(INT, 4));
    expect(r.castArgsTo).toEqual([DOUBLE]);
    expect(call('SQRT', col(INT, 4)).value).toBe(2);
    expect(call('SQRT', col(BIGINT, 9n)).value).toBe(3);
    expect(call('SQRT', col(decimalType(3, 1), Decimal.parse('2.5'))).value).toBeCloseTo(Math.sqrt(2.5), 12);
  });

  it('never widens to STRING', () => {
    expect(() => resolve('UCASE', col(INT, 1))).toThrow("Function 'ucase' does not accept parameters (INTEGER).");
    expect(() => resolve('ABS', col(STRING, 'x'))).toThrow("Function 'abs' does not accept parameters (STRING).");
  });

  it('widens INT and BIGINT to DECIMAL(10,0) and DECIMAL(19,0) for DECIMAL parameters', () => {
    const r = resolve('ROUND', col(decimalType(5, 2), Decimal.parse('1.25')), lit(INT, 1));
    expect(r.castArgsTo).toEqual([null, null]);
    // TRUNC(INT, INT) has no exact overload; (DOUBLE, INT) and (DECIMAL, INT) both fit: ambiguous.
    expect(() => resolve('TRUNC', col(INT, 1), lit(INT, 1))).toThrow(/ambiguous method parameters \(INTEGER, INTEGER\)/);
  });

  it('reports equally ranked candidates as ambiguous, as ksqlDB does', () => {
    expect(() => resolve('GREATEST', col(INT, 1), col(BIGINT, 2n))).toThrow(
      "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
    );
    expect(() => resolve('LEAST', NULL, NULL)).toThrow(/ambiguous method parameters \(null, null\)/);
  });

  it('resolves a mix that only one overload can take', () => {
    const r = resolve('GREATEST', col(INT, 1), col(BIGINT, 2n), col(decimalType(30, 18), Decimal.parse('3')), col(DOUBLE, 4), NULL);
    expect(fmt(r.returnType)).toBe('DOUBLE');
    expect(r.castArgsTo).toEqual([DOUBLE, DOUBLE, DOUBLE, null, null]);
  });

  it('coerces a STRING literal to DATE where a DATE is expected, but not a STRING column', () => {
    const r = resolve('GREATEST', col(DATE, 1), lit(STRING, '2022-06-14'));
    expect(r.castArgsTo).toEqual([null, DATE]);
    expect(call('GREATEST', col(DATE, 1), lit(STRING, '2022-06-14')).value).toBe(19157);
    expect(() => resolve('GREATEST', col(DATE, 1), col(STRING, '2022-06-14'))).toThrow(/does not accept/);
  });

  it('lets a NULL literal match any parameter', () => {
    expect(call('SUBSTRING', col(STRING, 'abc'), NULL).value).toBeNull();
    expect(fmt(resolve('CONCAT', col(STRING, 'a'), NULL).returnType)).toBe('STRING');
  });

  it('lists the valid alternatives when nothing matches', () => {
    expect(() => resolve('DATEADD', col(DATE, 1), lit(INT, 5), col(DATE, 1))).toThrow(
      /does not accept parameters \(DATE, INTEGER, DATE\)\.\nValid alternatives are:\ndateadd\(INTERVALUNIT, INTEGER, DATE\)/,
    );
  });
});

describe('generics', () => {
  it('binds T from an argument and derives the return type from it', () => {
    expect(fmt(resolve('ARRAY_MAX', col(arrayType(STRING), ['a'])).returnType)).toBe('STRING');
    expect(fmt(resolve('MAP_KEYS', col(mapType(STRING, INT), new Map())).returnType)).toBe('ARRAY<STRING>');
    const st = structType([{ name: 'A', type: INT }]);
    expect(resolve('AS_VALUE', col(st, { A: 1 })).returnType).toEqual(st);
  });

  it('requires every occurrence of T to agree, widening to a common type', () => {
    const r = resolve('COALESCE', col(INT, null), col(BIGINT, 5n));
    expect(fmt(r.returnType)).toBe('BIGINT');
    expect(r.castArgsTo).toEqual([BIGINT, null]);
    expect(r.call.bindings.get('T')).toEqual(BIGINT);
    const d = resolve('IFNULL', col(decimalType(9, 2), null), col(decimalType(7, 6), null));
    expect(fmt(d.returnType)).toBe('DECIMAL(13, 6)');
    expect(() => resolve('COALESCE', col(INT, 1), col(STRING, 'x'))).toThrow(/does not accept parameters \(INTEGER, STRING\)/);
  });

  it('widens array elements element-wise', () => {
    const r = resolve('ARRAY_CONTAINS', col(arrayType(INT), [1]), col(BIGINT, 1n));
    expect(r.castArgsTo).toEqual([arrayType(BIGINT), null]);
    expect(call('ARRAY_CONTAINS', col(arrayType(INT), [1, 2]), col(BIGINT, 2n)).value).toBe(true);
  });

  it('fails to infer a return type from NULLs alone', () => {
    expect(() => resolve('COALESCE', NULL, NULL)).toThrow(/Cannot infer the type of T/);
  });

  it('rejects structurally different arguments', () => {
    expect(() => resolve('ARRAY_LENGTH', col(mapType(STRING, INT), new Map()))).toThrow(/MAP<STRING, INTEGER>/);
  });
});

describe('variadic overloads', () => {
  it('accepts zero or more repetitions of the last parameter', () => {
    expect(call('CONCAT', col(STRING, 'a')).value).toBe('a');
    // With no argument, the STRING... and BYTES... overloads tie.
    expect(() => resolve('CONCAT')).toThrow(/ambiguous method parameters \(\)/);
    expect(call('CONCAT', col(STRING, 'a'), col(STRING, 'b'), col(STRING, 'c')).value).toBe('abc');
    expect(call('CONCAT_WS', lit(STRING, '-'), col(STRING, 'a'), col(STRING, 'b')).value).toBe('a-b');
    expect(() => resolve('GREATEST')).toThrow("Function 'greatest' does not accept parameters ().");
  });

  it('unifies every variadic argument with the fixed ones', () => {
    expect(() => resolve('CONCAT', col(STRING, 'a'), col(INT, 1))).toThrow(/does not accept/);
    expect(fmt(resolve('COALESCE', col(INT, 1), col(INT, 2), col(BIGINT, 3n)).returnType)).toBe('BIGINT');
  });

  it('prefers a fixed-arity overload over a variadic one that also fits', () => {
    const fn: ScalarFunction = {
      kind: 'scalar',
      name: 'PICK',
      description: 'test',
      category: 'OTHER',
      overloads: [
        lenient([P_STRING], STRING, () => 'variadic', { variadic: true }),
        lenient([P_STRING, P_STRING], STRING, () => 'fixed'),
        lenient([T, T], (c) => bound(c, 'T'), () => 'generic'),
      ],
    };
    const reg = new FunctionRegistry();
    reg.register(fn);
    const pick = (args: Parameters<typeof shapes>[0]) => {
      const r = reg.resolveScalar('PICK', shapes(args));
      return r.overload.make({ ...r.call, returnType: r.returnType })();
    };
    // Non-variadic beats variadic; among fixed ones, fewer generics win.
    expect(pick([col(STRING, 'a'), col(STRING, 'b')])).toBe('fixed');
    expect(pick([col(STRING, 'a')])).toBe('variadic');
    expect(pick([col(INT, 1), col(INT, 2)])).toBe('generic');
  });
});

describe('lambdas and interval units', () => {
  it('types lambda parameters from the bound generics and binds the result from the body', () => {
    const seen: SqlType[][] = [];
    const r = resolve(
      'TRANSFORM',
      col(arrayType(INT), [1]),
      lambda(
        1,
        (ps) => {
          seen.push([...ps]);
          return STRING;
        },
        (x) => String(x),
      ),
    );
    expect(seen).toEqual([[INT]]);
    expect(fmt(r.returnType)).toBe('ARRAY<STRING>');
    expect(r.call.argTypes[1]).toEqual({ kind: 'LAMBDA_ARG', params: [INT], returns: STRING });
  });

  it('chooses the map overload by the collection argument and the lambda arity', () => {
    const r = resolve(
      'FILTER',
      col(mapType(STRING, DOUBLE), new Map()),
      lambda(2, () => BOOLEAN, () => true),
    );
    expect(fmt(r.returnType)).toBe('MAP<STRING, DOUBLE>');
    expect(() => resolve('FILTER', col(mapType(STRING, DOUBLE), new Map()), lambda(1, () => BOOLEAN, () => true))).toThrow(
      /does not accept/,
    );
  });

  it('rejects a lambda whose body has the wrong type', () => {
    expect(() => resolve('FILTER', col(arrayType(INT), []), lambda(1, () => STRING, () => 'x'))).toThrow(/does not accept/);
  });

  it('widens a reduce state to the type of the lambda body and re-types the lambda', () => {
    const stateTypes: string[] = [];
    const body = (ps: readonly SqlType[]) => {
      stateTypes.push(formatType(ps[0]!));
      // s + x, for s of the state type and x DOUBLE
      return DOUBLE;
    };
    const r = resolve('REDUCE', col(arrayType(DOUBLE), [1.5]), lit(INT, 0), lambda(2, body, (s, x) => s + x));
    expect(stateTypes).toEqual(['INTEGER', 'DOUBLE']);
    expect(fmt(r.returnType)).toBe('DOUBLE');
    expect(r.castArgsTo).toEqual([null, DOUBLE, null]);
    expect(call('REDUCE', col(arrayType(DOUBLE), [1.5, 2]), lit(INT, 0), lambda(2, body, (s, x) => s + x)).value).toBe(3.5);
  });

  it('matches time-unit keywords only to INTERVAL_UNIT parameters', () => {
    const r = resolve('DATEADD', unit('DAYS'), lit(INT, 1), col(DATE, 0));
    expect(r.call.argTypes[0]).toEqual({ kind: 'INTERVAL_UNIT_ARG', unit: 'DAYS' });
    expect(() => resolve('ABS', unit('DAYS'))).toThrow(/\(INTERVALUNIT\)/);
  });

  it('passes literal values through to the call types', () => {
    const r = resolve('SUBSTRING', col(STRING, 'abc'), lit(INT, 2));
    expect(r.call.literals).toEqual([undefined, 2]);
  });
});

describe('user-defined signatures', () => {
  it('resolves a registered function with a generic lambda signature', () => {
    const reg = new FunctionRegistry();
    reg.register({
      kind: 'scalar',
      name: 'APPLY_TWICE',
      description: 'test',
      category: 'OTHER',
      overloads: [strict([T, LAMBDA([T], T)], (c) => bound(c, 'T'), (x: number, f: (v: number) => number) => f(f(x)))],
    });
    const r = reg.resolveScalar('apply_twice', shapes([col(INT, 3), lambda(1, (ps) => ps[0]!, (v: number) => v * 2)]));
    expect(fmt(r.returnType)).toBe('INTEGER');
    expect(r.overload.make({ ...r.call, returnType: r.returnType })(3, (v: number) => v * 2)).toBe(12);
  });

  it('exposes variadic signatures in the error text', () => {
    expect(() => resolve('CONCAT_WS', col(INT, 1))).toThrow(/concat_ws\(STRING, STRING\.\.\.\)/);
  });

  it('matches any STRUCT to ANY_STRUCT and prints signatures for DESCRIBE', () => {
    const reg = new FunctionRegistry();
    const fn: ScalarFunction = {
      kind: 'scalar',
      name: 'FIELD_COUNT',
      description: 'test',
      category: 'OTHER',
      overloads: [strict([ANY_STRUCT], INT, (o: object) => Object.keys(o).length)],
    };
    reg.register(fn);
    const st = structType([{ name: 'A', type: INT }, { name: 'B', type: STRING }]);
    const r = reg.resolveScalar('field_count', shapes([col(st, { A: 1, B: 'x' })]));
    expect(r.call.argTypes).toEqual([st]);
    expect(r.overload.make({ ...r.call, returnType: r.returnType })({ A: 1, B: 'x' })).toBe(2);
    expect(() => reg.resolveScalar('field_count', shapes([col(INT, 1)]))).toThrow(/field_count\(STRUCT\)/);
    expect(formatSignature(fn, fn.overloads[0]!)).toBe('field_count(STRUCT)');
  });

  it('keeps ARRAY_OF and S generics separate', () => {
    const reg = new FunctionRegistry();
    reg.register({
      kind: 'scalar',
      name: 'FIRST_OR',
      description: 'test',
      category: 'OTHER',
      overloads: [lenient([ARRAY_OF(T), S], (c) => bound(c, 'S'), () => null)],
    });
    const r = reg.resolveScalar('FIRST_OR', shapes([col(arrayType(INT), []), col(STRING, 'x')]));
    expect(fmt(r.returnType)).toBe('STRING');
    expect(r.call.bindings.get('T')).toEqual(INT);
  });
});

// Shared pieces for the expression tests: a Scope over named columns, a small but real function
// catalog (exact match first, then implicit widening, generics, lambdas, time units), and
// helpers that parse, type and compile SQL expressions.

import { parseExpression } from '../../grammar/index.js';
import type { ColumnBinding, Scope } from '../../planner/expressions/scope.js';
import { canImplicitlyCast, commonSuperType } from '../../planner/expressions/type-rules.js';
import { typeExpression, type TypeEnv } from '../../planner/expressions/typer.js';
import type { TypedExpr } from '../../planner/expressions/typed.js';
import {
  FunctionResolutionError,
  type ArgShape,
  type ArgType,
  type CallTypes,
  type FunctionCatalog,
  type FunctionDef,
  type ParamType,
  type ResolvedCall,
} from '../../planner/functions.js';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INT,
  STRING,
  TIMESTAMP,
  arrayType,
  formatType,
  typesEqual,
  type SqlType,
} from '../../planner/types.js';
import { compileExpression, type NestedErrorSink } from '../../runtime/expr/compile.js';

export interface TestColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly source?: string;
}

/** Columns in row order; a qualified reference must name the column's source. */
export class TestScope implements Scope {
  constructor(private readonly columns: readonly TestColumn[]) {}

  lookup(source: string | undefined, name: string): ColumnBinding | undefined {
    const index = this.columns.findIndex((c) => c.name === name && (source === undefined || c.source === source));
    return index < 0 ? undefined : { name, type: this.columns[index]!.type, index };
  }
}

// ---------------------------------------------------------------- a small function catalog

const sql = (type: SqlType): ParamType => ({ kind: 'SQL', type });
const T: ParamType = { kind: 'GENERIC', name: 'T' };
const U: ParamType = { kind: 'GENERIC', name: 'U' };
const bound = (call: CallTypes, name: string): SqlType => call.bindings.get(name)!;

/** Every call of SIDE(x) is recorded here, so tests can see what was evaluated. */
export const sideEffects: unknown[] = [];

const UNIT_MS: Record<string, number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000 };

const FUNCTIONS: readonly FunctionDef[] = [
  {
    kind: 'scalar',
    name: 'CONCAT',
    description: 'joins strings, skipping nulls',
    category: 'STRING',
    overloads: [
      {
        params: [sql(STRING)],
        variadic: true,
        returns: STRING,
        make: () => (...parts: (string | null)[]) => parts.filter((p) => p !== null).join(''),
      },
    ],
  },
  {
    kind: 'scalar',
    name: 'ABS',
    description: 'absolute value',
    category: 'MATHEMATICAL',
    overloads: [
      { params: [sql(BIGINT)], returns: BIGINT, nullIfAnyNull: true, make: () => (v: bigint) => (v < 0n ? -v : v) },
      { params: [sql(DOUBLE)], returns: DOUBLE, nullIfAnyNull: true, make: () => (v: number) => Math.abs(v) },
    ],
  },
  {
    kind: 'scalar',
    name: 'SIDE',
    description: 'records its argument and returns it',
    category: 'OTHER',
    overloads: [{ params: [T], returns: (c) => bound(c, 'T'), make: () => (v: unknown) => (sideEffects.push(v), v) }],
  },
  {
    kind: 'scalar',
    name: 'ARRAY_LENGTH',
    description: 'length of an array',
    category: 'ARRAY',
    overloads: [
      { params: [{ kind: 'ARRAY_OF', element: T }], returns: INT, nullIfAnyNull: true, make: () => (a: unknown[]) => a.length },
    ],
  },
  {
    kind: 'scalar',
    name: 'TRANSFORM',
    description: 'maps every element',
    category: 'ARRAY',
    overloads: [
      {
        params: [{ kind: 'ARRAY_OF', element: T }, { kind: 'LAMBDA', params: [T], returns: U }],
        returns: (c) => arrayType(bound(c, 'U')),
        make: () => (a: unknown[] | null, f: (x: unknown) => unknown) => (a === null ? null : a.map((x) => f(x))),
      },
    ],
  },
  {
    kind: 'scalar',
    name: 'FILTER',
    description: 'keeps matching elements',
    category: 'ARRAY',
    overloads: [
      {
        params: [{ kind: 'ARRAY_OF', element: T }, { kind: 'LAMBDA', params: [T], returns: sql(BOOLEAN) }],
        returns: (c) => arrayType(bound(c, 'T')),
        make: () => (a: unknown[] | null, f: (x: unknown) => unknown) => (a === null ? null : a.filter((x) => f(x) === true)),
      },
    ],
  },
  {
    kind: 'scalar',
    name: 'TIMESTAMPADD',
    description: 'adds a duration',
    category: 'DATE / TIME',
    overloads: [
      {
        params: [{ kind: 'INTERVAL_UNIT' }, sql(INT), sql(TIMESTAMP)],
        returns: TIMESTAMP,
        nullIfAnyNull: true,
        make: () => (unit: string, n: number, ts: number) => ts + n * UNIT_MS[unit]!,
      },
    ],
  },
  {
    kind: 'aggregate',
    name: 'SUM',
    description: 'sum',
    category: 'AGGREGATE',
    overloads: [
      {
        params: [sql(INT)],
        returns: INT,
        make: () => ({
          init: () => 0,
          add: (acc, v) => (acc as number) + (v as number),
          result: (acc) => acc,
          toState: (acc) => acc,
          fromState: (s) => s,
        }),
      },
    ],
  },
  {
    kind: 'table',
    name: 'EXPLODE',
    description: 'one row per element',
    category: 'TABLE',
    overloads: [{ params: [{ kind: 'ARRAY_OF', element: T }], returns: (c) => bound(c, 'T'), make: () => (a: unknown[]) => a }],
  },
];

type Bindings = Map<string, SqlType>;

function bind(p: ParamType, t: SqlType, b: Bindings, widen: boolean): boolean {
  switch (p.kind) {
    case 'SQL':
      return typesEqual(t, p.type) || (widen && canImplicitlyCast(t, p.type));
    case 'GENERIC': {
      const prev = b.get(p.name);
      const next = prev === undefined ? t : widen ? commonSuperType([prev, t]) : typesEqual(prev, t) ? prev : undefined;
      if (!next) return false;
      b.set(p.name, next);
      return true;
    }
    case 'ARRAY_OF':
      return t.kind === 'ARRAY' && bind(p.element, t.element, b, widen);
    default:
      return false;
  }
}

function instantiate(p: ParamType, b: Bindings): SqlType | undefined {
  if (p.kind === 'SQL') return p.type;
  if (p.kind === 'GENERIC') return b.get(p.name);
  if (p.kind === 'ARRAY_OF') {
    const e = instantiate(p.element, b);
    return e && arrayType(e);
  }
  return undefined;
}

interface Overload {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  readonly returns: SqlType | ((call: CallTypes) => SqlType);
}

function resolveCall<O extends Overload>(fn: FunctionDef, overloads: readonly O[], args: readonly ArgShape[]): ResolvedCall<O> {
  for (const widen of [false, true]) {
    for (const o of overloads) {
      const params = o.variadic
        ? args.map((_, i) => o.params[Math.min(i, o.params.length - 1)]!)
        : args.length === o.params.length
          ? o.params
          : undefined;
      if (!params) continue;
      const b: Bindings = new Map();
      const fits = args.every((a, i) => {
        const p = params[i]!;
        if (a.kind === 'unit') return p.kind === 'INTERVAL_UNIT';
        if (a.kind === 'lambda') return p.kind === 'LAMBDA' && p.params.length === a.arity;
        return a.type === null ? p.kind !== 'LAMBDA' : bind(p, a.type, b, widen);
      });
      if (!fits) continue;
      const argTypes: ArgType[] = args.map((a, i) => {
        const p = params[i]!;
        if (a.kind === 'unit') return { kind: 'INTERVAL_UNIT_ARG', unit: a.unit };
        if (a.kind === 'lambda' && p.kind === 'LAMBDA') {
          const ps = p.params.map((x) => instantiate(x, b)!);
          const returns = a.typeLambda(ps);
          bind(p.returns, returns, b, true);
          return { kind: 'LAMBDA_ARG', params: ps, returns };
        }
        return instantiate(p, b) ?? (a.kind === 'value' && a.type !== null ? a.type : STRING);
      });
      const castArgsTo = args.map((a, i) =>
        a.kind === 'value' && a.type !== null && !typesEqual(a.type, argTypes[i] as SqlType) ? (argTypes[i] as SqlType) : null,
      );
      const call: CallTypes = { argTypes, bindings: b, literals: args.map((a) => (a.kind === 'value' ? a.literal : undefined)) };
      const returnType = typeof o.returns === 'function' ? o.returns(call) : o.returns;
      return { fn, overload: o, castArgsTo, call, returnType };
    }
  }
  const shown = args.map((a) => (a.kind === 'value' ? (a.type ? formatType(a.type) : 'null') : a.kind));
  throw new FunctionResolutionError(`Function '${fn.name.toLowerCase()}' does not accept parameters (${shown.join(', ')}).`);
}

function find<K extends FunctionDef['kind']>(name: string, kind: K): FunctionDef & { kind: K } {
  const fn = FUNCTIONS.find((f) => f.name === name.toUpperCase());
  if (fn?.kind !== kind) throw new FunctionResolutionError(`Can't find any ${kind} function with the name '${name}'`);
  return fn as FunctionDef & { kind: K };
}

export const testCatalog: FunctionCatalog = {
  lookup: (name) => FUNCTIONS.find((f) => f.name === name.toUpperCase()),
  list: () => FUNCTIONS,
  resolveScalar: (name, args) => {
    const fn = find(name, 'scalar');
    return resolveCall(fn, fn.overloads, args);
  },
  resolveAggregate: (name, args) => {
    const fn = find(name, 'aggregate');
    return resolveCall(fn, fn.overloads, args);
  },
  resolveTable: (name, args) => {
    const fn = find(name, 'table');
    return resolveCall(fn, fn.overloads, args);
  },
};

export const env: TypeEnv = { functions: testCatalog, resolveType: () => undefined };

// ---------------------------------------------------------------- SQL in, values out

export function typeSql(text: string, columns: readonly TestColumn[] = []): TypedExpr {
  return typeExpression(parseExpression(text), new TestScope(columns), env);
}

/** Types, compiles and evaluates `text` over one row whose values follow `columns`. */
export function evaluate(
  text: string,
  columns: readonly TestColumn[] = [],
  row: readonly unknown[] = [],
  onError?: NestedErrorSink,
): unknown {
  return compileExpression(typeSql(text, columns), { functions: testCatalog })(row, onError);
}

/** The error `fn` throws (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

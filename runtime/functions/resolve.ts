// Overload resolution, following ksqlDB's UdfIndex:
//   1. Match every overload without implicit casts. If any match, the best one wins.
//   2. Otherwise match again allowing widening (INT → BIGINT → DECIMAL → DOUBLE, element-wise
//      in containers, and a STRING literal → DATE / TIME / TIMESTAMP).
// Within a pass, candidates are ranked as ksqlDB ranks them: a non-variadic overload beats a
// variadic one, then more declared parameters win, then fewer generic parameters, then a later
// variadic position. Two candidates of equal rank make the call ambiguous: ksqlDB rejects
// GREATEST(INT, BIGINT) rather than guess, and so do we.
//
// A NULL literal (type null) matches any parameter without binding generics. Lambdas are typed
// last, once the value arguments have bound the generics their parameters mention; a lambda whose
// body is wider than its declared result generic (REDUCE's state S) rebinds S and is re-typed.

import {
  FunctionResolutionError,
  type ArgShape,
  type ArgType,
  type CallTypes,
  type FunctionDef,
  type ParamType,
  type ResolvedCall,
} from '../../planner/functions.js';
import { STRING, arrayType, formatType, mapType, typesEqual, type SqlType } from '../../planner/types.js';
import { formatParam, hasGenerics } from './params.js';
import { canImplicitlyCast, commonGenericType, toDecimalType } from '../../planner/expressions/type-rules.js';

/** What the three overload kinds have in common. */
export interface OverloadShape {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  readonly returns: SqlType | ((call: CallTypes) => SqlType);
}

type Bindings = Map<string, SqlType>;

interface Match {
  readonly bindings: Bindings;
  /** Per argument: the lambda's typing, for lambda arguments. */
  readonly lambdas: Map<number, { params: readonly SqlType[]; returns: SqlType }>;
  /** Per argument: a STRING literal coerced to a temporal type. */
  readonly coerced: Map<number, SqlType>;
}

/** Expands a variadic overload to exactly `n` parameters, or null when it cannot take `n` arguments. */
function expandParams(o: OverloadShape, n: number): readonly ParamType[] | null {
  if (!o.variadic) return o.params.length === n ? o.params : null;
  const fixed = o.params.length - 1;
  if (n < fixed) return null;
  const last = o.params[fixed]!;
  return [...o.params.slice(0, fixed), ...Array.from({ length: n - fixed }, () => last)];
}

/** Matches `type` against `pattern`, binding generics; false when it does not fit. */
function bind(pattern: ParamType, type: SqlType, bindings: Bindings, allowCasts: boolean): boolean {
  switch (pattern.kind) {
    case 'SQL':
      return typesEqual(type, pattern.type) || (allowCasts && canImplicitlyCast(type, pattern.type));
    case 'ANY_DECIMAL':
      return type.kind === 'DECIMAL' || (allowCasts && (type.kind === 'INT' || type.kind === 'BIGINT'));
    case 'ANY_STRUCT':
      return type.kind === 'STRUCT';
    case 'GENERIC': {
      const bound = bindings.get(pattern.name);
      if (!bound) {
        bindings.set(pattern.name, type);
        return true;
      }
      if (typesEqual(bound, type)) return true;
      if (!allowCasts) return false;
      const common = commonGenericType(bound, type);
      if (!common) return false;
      bindings.set(pattern.name, common);
      return true;
    }
    case 'ARRAY_OF':
      return type.kind === 'ARRAY' && bind(pattern.element, type.element, bindings, allowCasts);
    case 'MAP_OF':
      return (
        type.kind === 'MAP' &&
        bind(pattern.key, type.key, bindings, allowCasts) &&
        bind(pattern.value, type.value, bindings, allowCasts)
      );
    case 'LAMBDA':
    case 'INTERVAL_UNIT':
      return false;
  }
}

/** The concrete type a pattern stands for once generics are bound; `actual` fills DECIMAL/STRUCT wildcards. */
function instantiate(pattern: ParamType, bindings: Bindings, actual: SqlType | null): SqlType | null {
  switch (pattern.kind) {
    case 'SQL':
      return pattern.type;
    case 'GENERIC':
      return bindings.get(pattern.name) ?? null;
    case 'ANY_DECIMAL':
      return (actual && toDecimalType(actual)) ?? null;
    case 'ANY_STRUCT':
      return actual;
    case 'ARRAY_OF': {
      const e = instantiate(pattern.element, bindings, actual?.kind === 'ARRAY' ? actual.element : null);
      return e && arrayType(e);
    }
    case 'MAP_OF': {
      const k = instantiate(pattern.key, bindings, actual?.kind === 'MAP' ? actual.key : null);
      const v = instantiate(pattern.value, bindings, actual?.kind === 'MAP' ? actual.value : null);
      return k && v && mapType(k, v);
    }
    case 'LAMBDA':
    case 'INTERVAL_UNIT':
      return null;
  }
}

const TEMPORAL = new Set(['DATE', 'TIME', 'TIMESTAMP']);

/** Types each lambda argument at most once per parameter-type list, however many overloads try it. */
class LambdaTyper {
  private readonly memo = new Map<number, Map<string, SqlType>>();
  constructor(private readonly args: readonly ArgShape[]) {}

  type(index: number, params: readonly SqlType[]): SqlType {
    const arg = this.args[index]!;
    if (arg.kind !== 'lambda') throw new Error('not a lambda argument');
    let byParams = this.memo.get(index);
    if (!byParams) this.memo.set(index, (byParams = new Map()));
    const key = params.map((p) => formatType(p)).join('|');
    let t = byParams.get(key);
    if (!t) byParams.set(key, (t = arg.typeLambda(params)));
    return t;
  }
}

function tryMatch(
  params: readonly ParamType[],
  args: readonly ArgShape[],
  allowCasts: boolean,
  lambdas: LambdaTyper,
): Match | null {
  const bindings: Bindings = new Map();
  const coerced = new Map<number, SqlType>();
  const deferred: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const p = params[i]!;
    switch (arg.kind) {
      case 'unit':
        if (p.kind !== 'INTERVAL_UNIT') return null;
        break;
      case 'lambda':
        if (p.kind !== 'LAMBDA' || p.params.length !== arg.arity) return null;
        deferred.push(i);
        break;
      case 'value': {
        if (arg.type === null) {
          if (p.kind === 'LAMBDA' || p.kind === 'INTERVAL_UNIT') return null;
          break;
        }
        if (bind(p, arg.type, bindings, allowCasts)) break;
        // ksqlDB accepts '2022-06-14' where a DATE is expected, as it does in comparisons.
        if (
          allowCasts &&
          p.kind === 'SQL' &&
          TEMPORAL.has(p.type.kind) &&
          arg.type.kind === 'STRING' &&
          typeof arg.literal === 'string'
        ) {
          coerced.set(i, p.type);
          break;
        }
        return null;
      }
    }
  }

  const lambdaTypes = new Map<number, { params: readonly SqlType[]; returns: SqlType }>();
  for (const i of deferred) {
    const p = params[i] as Extract<ParamType, { kind: 'LAMBDA' }>;
    // Re-typing converges: each round only widens one generic, and widening is bounded.
    for (let round = 0; ; round++) {
      const paramTypes = p.params.map((pp) => instantiate(pp, bindings, null));
      if (paramTypes.some((t) => t === null)) return null;
      const body = lambdas.type(i, paramTypes as SqlType[]);
      const trial = new Map(bindings);
      if (bind(p.returns, body, trial, false)) {
        trial.forEach((v, k) => bindings.set(k, v));
        lambdaTypes.set(i, { params: paramTypes as SqlType[], returns: body });
        break;
      }
      const ret = p.returns;
      if (ret.kind !== 'GENERIC') return null;
      const current = bindings.get(ret.name);
      if (!allowCasts || !current || round > 4 || !canImplicitlyCast(current, body)) return null;
      bindings.set(ret.name, body);
    }
  }
  return { bindings, lambdas: lambdaTypes, coerced };
}

/** ksqlDB's ranking: bigger is better. */
function rank(o: OverloadShape): number[] {
  const variadicIndex = o.variadic ? o.params.length - 1 : -1;
  return [o.variadic ? 0 : 1, o.params.length, -o.params.filter(hasGenerics).length, variadicIndex];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function formatArg(a: ArgShape): string {
  switch (a.kind) {
    case 'value':
      return a.type === null ? 'null' : formatType(a.type);
    case 'lambda':
      return `LAMBDA(${a.arity})`;
    case 'unit':
      return 'INTERVALUNIT';
  }
}

export function formatSignature(fn: FunctionDef, o: OverloadShape): string {
  const ps = o.params.map((p, i) => formatParam(p) + (o.variadic && i === o.params.length - 1 ? '...' : ''));
  return `${fn.name.toLowerCase()}(${ps.join(', ')})`;
}

function signatures(fn: FunctionDef, overloads: readonly OverloadShape[]): string {
  return overloads.map((o) => formatSignature(fn, o)).join('\n');
}

/** Resolves a call against one function's overloads (of the kind the caller asked for). */
export function resolveOverload<O extends OverloadShape>(
  fn: FunctionDef,
  overloads: readonly O[],
  args: readonly ArgShape[],
): ResolvedCall<O> {
  const lambdas = new LambdaTyper(args);
  const argList = `(${args.map(formatArg).join(', ')})`;
  for (const allowCasts of [false, true]) {
    const candidates: { o: O; params: readonly ParamType[]; m: Match }[] = [];
    for (const o of overloads) {
      const params = expandParams(o, args.length);
      if (!params) continue;
      const m = tryMatch(params, args, allowCasts, lambdas);
      if (m) candidates.push({ o, params, m });
    }
    if (candidates.length === 0) continue;
    candidates.sort((a, b) => compareRank(rank(b.o), rank(a.o)));
    if (candidates.length > 1 && compareRank(rank(candidates[0]!.o), rank(candidates[1]!.o)) === 0) {
      throw new FunctionResolutionError(
        `Function '${fn.name.toLowerCase()}' cannot be resolved due to ambiguous method parameters ${argList}.\n` +
          'Use CAST() to explicitly cast your parameters to one of the supported function calls.\n' +
          `Valid function calls are:\n${signatures(fn, overloads)}`,
      );
    }
    const best = candidates[0]!;
    return build(fn, best.o, best.params, args, best.m);
  }
  throw new FunctionResolutionError(
    `Function '${fn.name.toLowerCase()}' does not accept parameters ${argList}.\n` +
      `Valid alternatives are:\n${signatures(fn, overloads)}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
  );
}

function build<O extends OverloadShape>(
  fn: FunctionDef,
  overload: O,
  params: readonly ParamType[],
  args: readonly ArgShape[],
  m: Match,
): ResolvedCall<O> {
  const castArgsTo: (SqlType | null)[] = [];
  const argTypes: ArgType[] = [];
  const literals: unknown[] = [];
  args.forEach((arg, i) => {
    switch (arg.kind) {
      case 'unit':
        castArgsTo.push(null);
        argTypes.push({ kind: 'INTERVAL_UNIT_ARG', unit: arg.unit });
        literals.push(arg.unit);
        return;
      case 'lambda': {
        const l = m.lambdas.get(i)!;
        castArgsTo.push(null);
        argTypes.push({ kind: 'LAMBDA_ARG', params: l.params, returns: l.returns });
        literals.push(undefined);
        return;
      }
      case 'value': {
        literals.push(arg.literal);
        const coercedTo = m.coerced.get(i);
        if (coercedTo) {
          castArgsTo.push(coercedTo);
          argTypes.push(coercedTo);
          return;
        }
        // A NULL literal whose parameter is still an unbound generic has no type of its own;
        // STRING stands in, since its value is null whatever the type.
        const target = instantiate(params[i]!, m.bindings, arg.type) ?? arg.type ?? STRING;
        castArgsTo.push(arg.type !== null && !typesEqual(arg.type, target) ? target : null);
        argTypes.push(target);
        return;
      }
    }
  });
  const call: CallTypes = { argTypes, bindings: m.bindings, literals };
  const returnType = typeof overload.returns === 'function' ? overload.returns(call) : overload.returns;
  return { fn, overload, castArgsTo, call, returnType };
}

/** The binding of a generic, for `returns` callbacks; an unbound one means only NULLs were passed. */
export function bound(call: CallTypes, name: string): SqlType {
  const t = call.bindings.get(name);
  if (!t) throw new FunctionResolutionError(`Cannot infer the type of ${name} from NULL arguments; CAST the NULL to a type.`);
  return t;
}

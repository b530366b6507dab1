// The typed expression IR: what the typer makes of an AST expression and what the runtime
// compiles. Plain, JSON-serialisable data (it travels inside persisted plan steps): functions
// are named with an overload index, literal values are encoded (see LiteralJson).
//
// Every node carries its SqlType and the span of the source node it came from. `type` is null
// only for a NULL literal no context has typed yet, and for the two argument-only kinds (Lambda,
// IntervalUnit). Implicit conversions the typer decided on are explicit `Cast` nodes with
// `implicit: true`, so the compiler never re-derives typing rules.

import type { ArithmeticOp, ComparisonOp, Span, TimeUnit } from '../../grammar/ast.js';
import type { ArgType, CallTypes } from '../functions.js';
import { Decimal } from '../values/decimal.js';
import type { SqlType } from '../types.js';

/**
 * A literal value as JSON: BIGINT and DECIMAL as their decimal text, BYTES as base64, a DOUBLE
 * that is not finite as 'NaN' / 'Infinity' / '-Infinity'; everything else as its runtime value.
 */
export type LiteralJson = string | number | boolean | null;

interface Node {
  readonly span: Span;
}

export interface TypedLiteral extends Node {
  readonly kind: 'Literal';
  readonly type: SqlType | null;
  readonly value: LiteralJson;
}
export interface TypedColumn extends Node {
  readonly kind: 'Column';
  readonly name: string;
  /** Slot in the row array the compiled expression receives. */
  readonly index: number;
  readonly type: SqlType;
}
/** A reference to a parameter of an enclosing lambda (lambda parameters shadow columns). */
export interface TypedLambdaParam extends Node {
  readonly kind: 'LambdaParam';
  readonly name: string;
  readonly type: SqlType;
}
export interface TypedCast extends Node {
  readonly kind: 'Cast';
  readonly operand: TypedExpr;
  readonly type: SqlType;
  /** True when the typer inserted the cast (widening, coercion), false for a written CAST. */
  readonly implicit: boolean;
}
/**
 * Operands already converted to the operation's domain: both INT, both BIGINT, both DOUBLE, both
 * STRING (`+` concatenates), or both DECIMAL (of any precision/scale; the result is rescaled to
 * `type`).
 */
export interface TypedArithmetic extends Node {
  readonly kind: 'Arithmetic';
  readonly op: ArithmeticOp;
  readonly left: TypedExpr;
  readonly right: TypedExpr;
  readonly type: SqlType;
}
export interface TypedNegate extends Node {
  readonly kind: 'Negate';
  readonly operand: TypedExpr;
  readonly type: SqlType;
}
/** Both operands have the same base type (DECIMALs may differ in precision and scale). */
export interface TypedComparison extends Node {
  readonly kind: 'Comparison';
  readonly op: ComparisonOp;
  readonly left: TypedExpr;
  readonly right: TypedExpr;
  readonly type: SqlType;
}
export interface TypedDistinct extends Node {
  readonly kind: 'IsDistinctFrom';
  readonly negated: boolean;
  readonly left: TypedExpr;
  readonly right: TypedExpr;
  readonly type: SqlType;
}
export interface TypedLogical extends Node {
  readonly kind: 'Logical';
  readonly op: 'AND' | 'OR';
  readonly left: TypedExpr;
  readonly right: TypedExpr;
  readonly type: SqlType;
}
export interface TypedNot extends Node {
  readonly kind: 'Not';
  readonly operand: TypedExpr;
  readonly type: SqlType;
}
export interface TypedIsNull extends Node {
  readonly kind: 'IsNull';
  readonly negated: boolean;
  readonly operand: TypedExpr;
  readonly type: SqlType;
}
/** value, low and high share a base type, as Comparison operands do. */
export interface TypedBetween extends Node {
  readonly kind: 'Between';
  readonly negated: boolean;
  readonly value: TypedExpr;
  readonly low: TypedExpr;
  readonly high: TypedExpr;
  readonly type: SqlType;
}
/** value and items share one type; NULL literal items are dropped (they never match). */
export interface TypedInList extends Node {
  readonly kind: 'InList';
  readonly negated: boolean;
  readonly value: TypedExpr;
  readonly items: readonly TypedExpr[];
  readonly type: SqlType;
}
export interface TypedLike extends Node {
  readonly kind: 'Like';
  readonly negated: boolean;
  readonly value: TypedExpr;
  readonly pattern: TypedExpr;
  readonly escape: string | undefined;
  readonly type: SqlType;
}
export interface TypedWhen {
  readonly when: TypedExpr;
  readonly then: TypedExpr;
}
/**
 * Searched CASE when `operand` is undefined (each `when` is BOOLEAN); simple CASE otherwise
 * (each `when` shares the operand's base type and matches by equality).
 */
export interface TypedCase extends Node {
  readonly kind: 'Case';
  readonly operand: TypedExpr | undefined;
  readonly whens: readonly TypedWhen[];
  readonly otherwise: TypedExpr | undefined;
  readonly type: SqlType;
}
/** ARRAY base: 1-based INT index, negative from the end. MAP base: index has the key type. */
export interface TypedSubscript extends Node {
  readonly kind: 'Subscript';
  readonly base: TypedExpr;
  readonly index: TypedExpr;
  readonly type: SqlType;
}
export interface TypedDereference extends Node {
  readonly kind: 'Dereference';
  readonly base: TypedExpr;
  readonly field: string;
  readonly type: SqlType;
}
export interface TypedArray extends Node {
  readonly kind: 'Array';
  readonly items: readonly TypedExpr[];
  readonly type: SqlType;
}
export interface TypedMap extends Node {
  readonly kind: 'Map';
  readonly entries: readonly { readonly key: TypedExpr; readonly value: TypedExpr }[];
  readonly type: SqlType;
}
export interface TypedStruct extends Node {
  readonly kind: 'Struct';
  readonly fields: readonly { readonly name: string; readonly value: TypedExpr }[];
  readonly type: SqlType;
}
/** A literal argument's value, with the type it was written as (null for NULL and time units). */
export interface CallLiteral {
  readonly type: SqlType | null;
  readonly value: LiteralJson;
}
export interface TypedFunctionCall extends Node {
  readonly kind: 'FunctionCall';
  readonly functionKind: 'scalar' | 'aggregate' | 'table';
  readonly name: string;
  /** Index into the function's overloads (of `functionKind`). */
  readonly overload: number;
  /** Arguments after the implicit casts the overload needs. */
  readonly args: readonly TypedExpr[];
  readonly argTypes: readonly ArgType[];
  readonly bindings: readonly (readonly [string, SqlType])[];
  readonly literals: readonly (CallLiteral | null)[];
  readonly type: SqlType;
}
/** Only ever a function argument. */
export interface TypedLambda extends Node {
  readonly kind: 'Lambda';
  readonly params: readonly string[];
  readonly paramTypes: readonly SqlType[];
  readonly body: TypedExpr;
  readonly type: null;
}
/** Only ever a function argument: MINUTES in TIMESTAMPADD(MINUTES, 5, ts). */
export interface TypedIntervalUnit extends Node {
  readonly kind: 'IntervalUnit';
  readonly unit: TimeUnit;
  readonly type: null;
}

export type TypedExpr =
  | TypedLiteral
  | TypedColumn
  | TypedLambdaParam
  | TypedCast
  | TypedArithmetic
  | TypedNegate
  | TypedComparison
  | TypedDistinct
  | TypedLogical
  | TypedNot
  | TypedIsNull
  | TypedBetween
  | TypedInList
  | TypedLike
  | TypedCase
  | TypedSubscript
  | TypedDereference
  | TypedArray
  | TypedMap
  | TypedStruct
  | TypedFunctionCall
  | TypedLambda
  | TypedIntervalUnit;

// ---------------------------------------------------------------- literal encoding

/** Runtime value → LiteralJson. Only primitive types occur as literals. */
export function encodeLiteral(value: unknown, type: SqlType | null): LiteralJson {
  if (value === null || type === null) return value as LiteralJson;
  switch (type.kind) {
    case 'BIGINT':
    case 'DECIMAL':
      return String(value);
    case 'BYTES':
      return (value as Buffer).toString('base64');
    case 'DOUBLE':
      return Number.isFinite(value) ? (value as number) : String(value);
    default:
      return value as LiteralJson;
  }
}

/** LiteralJson → runtime value. */
export function decodeLiteral(value: LiteralJson, type: SqlType | null): unknown {
  if (value === null || type === null) return value;
  switch (type.kind) {
    case 'BIGINT':
      return BigInt(value as string);
    case 'DECIMAL':
      return Decimal.parse(value as string);
    case 'BYTES':
      return Buffer.from(value as string, 'base64');
    case 'DOUBLE':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** What an overload's `returns` / `make` / `intermediate` receive for a resolved call. */
export function callTypesOf(call: TypedFunctionCall): CallTypes & { readonly returnType: SqlType } {
  return {
    argTypes: call.argTypes,
    bindings: new Map(call.bindings),
    literals: call.literals.map((l) => (l === null ? undefined : decodeLiteral(l.value, l.type))),
    returnType: call.type,
  };
}

// Typed expressions → SQLite SQL with Sluice's semantics (see compile.ts for those semantics).
//
// A node becomes native SQL only where SQLite computes exactly what Sluice computes, given
// how values are stored (sql-values.ts); anything else becomes a call to an expression
// function that runs Sluice's compiled code (sql-functions.ts). The rules that decide:
//
// - Representation: booleans are 0/1, integers and temporals INTEGER, DOUBLE REAL (NaN as the
//   text 'NaN' when a function computed it), DECIMAL exact text, nested values typed JSON.
//   So equality is native for BOOLEAN, INT, BIGINT, DATE, TIME, TIMESTAMP, STRING and BYTES,
//   and for DOUBLE only between columns and literals (which are never NaN). DECIMAL text and
//   nested JSON don't compare by value: never native.
// - Order: SQLite orders TEXT by UTF-8 bytes, Sluice by UTF-16 code units. The two agree
//   whenever one side is a literal without characters at or above U+D800 (a supplementary
//   character then compares as above it either way), so string ranges against such literals
//   are native, and other string orderings are not. BYTES order (signed) is never native.
// - Nulls: Sluice comparisons, BETWEEN and IN are false (never null) when an operand is null,
//   NOT BETWEEN is true. In a *truth* context (a WHERE / HAVING conjunct, a CASE condition,
//   an operand of AND / OR there) only truth matters and SQLite's NULL is as good as false;
//   elsewhere the native form is wrapped in COALESCE.
// - Laziness: Sluice evaluates AND / OR right operands, CASE branches and IN items only when
//   needed, and SQLite doesn't short-circuit AND, OR, BETWEEN or IN. That only shows when the
//   skipped operand could fail, so a fallible right operand of AND / OR is evaluated through
//   CASE (which SQLite does evaluate lazily), and BETWEEN / IN need infallible bounds and items.
// - Failures: only function calls fail (native SQL never does); each top-level expression
//   that contains one is wrapped by the caller (`wrap`) to apply Sluice's failure rule.
//
// Literals in native positions become parameters, tagged with the literal they came from so a
// plan cache can bind another statement's literals into the same prepared statement.
// Literals compiled into functions are listed in `fixed`.

import { assertNever, type Span } from '../../grammar/ast.js';
import type { FunctionCatalog } from '../../planner/functions.js';
import { decodeLiteral, type TypedExpr } from '../../planner/expressions/typed.js';
import { typesEqual, type SqlType } from '../../planner/types.js';
import { caster } from '../expr/cast.js';
import { WRAPPERS, type ArgColumn, type FailureMode, type SqlFunctions } from './sql-functions.js';
import { toSql } from './sql-values.js';
import { typedNodes } from './typed-children.js';

/** Where a parameter's value came from. */
export type ParamOrigin =
  | {
      readonly kind: 'literal';
      /** The typed literal's span (it covers a leading '-' the typer folded in). */
      readonly span: Span;
      /** The literal's own type and runtime value, before any implicit cast. */
      readonly type: SqlType;
      readonly value: unknown;
      /** Runtime value of another literal of this type → the value to bind. */
      readonly convert: (v: unknown) => unknown;
    }
  | { readonly kind: 'clause'; readonly clause: 'LIMIT' | 'OFFSET' };

export interface ParamSlot {
  /** The value bound for the statement the plan was made for. */
  readonly value: unknown;
  readonly origin: ParamOrigin | undefined;
}

/** SQL for a row's column (by its index in the row the typed expression was typed over). */
export interface SqlScope {
  column(index: number): string;
}

export interface Fragment {
  readonly sql: string;
  /** Contains a function call, so it may record a failure. */
  readonly fallible: boolean;
  /** A column or a parameter: evaluating it twice, or comparing it as stored, is harmless. */
  readonly simple: boolean;
  /** A STRING literal with characters at or above U+D800: not comparable natively. */
  readonly exotic?: boolean;
  /** A STRING literal whose characters are all below U+D800: orders natively against text. */
  readonly lowString?: boolean;
}

const EQUALITY = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DATE', 'TIME', 'TIMESTAMP', 'STRING', 'BYTES', 'DOUBLE']);
const ORDERING = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DATE', 'TIME', 'TIMESTAMP', 'DOUBLE', 'STRING']);

/** Parameters appear in SQL text as markers until `finish` numbers them in text order. */
const MARK = '\u0000';

const HIGH = /[\uD800-\uFFFF]/;

export class SqlExpressions {
  private readonly slots: ParamSlot[] = [];
  /** Spans of literals compiled into functions: their values are part of the plan. */
  readonly fixed: Span[] = [];

  constructor(
    private readonly fns: SqlFunctions,
    private readonly functions: FunctionCatalog,
  ) {}

  /** A parameter marker for a value. */
  param(value: unknown, origin?: ParamOrigin): string {
    this.slots.push({ value, origin });
    return `${MARK}${this.slots.length - 1}${MARK}`;
  }

  /** Replaces the markers by `?` and lists the parameters in the order they now appear. */
  finish(sql: string): { sql: string; slots: ParamSlot[] } {
    const slots: ParamSlot[] = [];
    const text = sql.replace(/\u0000(\d+)\u0000/g, (_, i: string) => {
      slots.push(this.slots[Number(i)]!);
      return '?';
    });
    return { sql: text, slots };
  }

  /** A top-level expression with the failure rule of where it stands. */
  wrap(f: Fragment, mode: FailureMode): string {
    return f.fallible ? `${WRAPPERS[mode]}(${f.sql})` : f.sql;
  }

  /** `truth`: only whether the value is true matters (NULL may stand for false). */
  translate(e: TypedExpr, scope: SqlScope, truth: boolean): Fragment {
    switch (e.kind) {
      case 'Literal':
        return this.literal(e);
      case 'Column':
        return { sql: scope.column(e.index), fallible: false, simple: true };
      case 'Cast':
        return (e.implicit && this.foldedCast(e)) || this.island(e, scope);
      case 'Comparison': {
        const type = e.left.type ?? e.right.type;
        if (type === null) return constant(false);
        const l = this.translate(e.left, scope, false);
        const r = this.translate(e.right, scope, false);
        const native = e.op === '=' || e.op === '<>' ? equalityNative(type, [l, r]) : orderingNative(type, l, [r]);
        if (!native) return this.island(e, scope);
        return this.predicate(`${l.sql} ${e.op} ${r.sql}`, truth, [l, r]);
      }
      case 'IsDistinctFrom': {
        const type = e.left.type ?? e.right.type;
        const l = this.translate(e.left, scope, false);
        const r = this.translate(e.right, scope, false);
        if (type !== null && !equalityNative(type, [l, r])) return this.island(e, scope);
        return { sql: `(${l.sql} IS ${e.negated ? '' : 'NOT '}${r.sql})`, fallible: l.fallible || r.fallible, simple: false };
      }
      case 'Logical': {
        const r = this.translate(e.right, scope, truth);
        // With a fallible right side, the left must be Sluice's exact value (false, not a NULL
        // standing for it): it decides whether the right side runs.
        const l = this.translate(e.left, scope, truth && !r.fallible);
        const fallible = l.fallible || r.fallible;
        if (!r.fallible) return { sql: `(${l.sql} ${e.op} ${r.sql})`, fallible, simple: false };
        // The right side runs only when the left doesn't decide; the left runs once.
        const [decides, other] = e.op === 'AND' ? ['0', '1'] : ['1', '0'];
        return {
          sql: `(CASE ${l.sql} WHEN ${decides} THEN ${decides} WHEN ${other} THEN ${r.sql} ELSE (CASE ${r.sql} WHEN ${decides} THEN ${decides} END) END)`,
          fallible,
          simple: false,
        };
      }
      case 'Not': {
        const v = this.translate(e.operand, scope, false);
        return { sql: `(NOT ${v.sql})`, fallible: v.fallible, simple: false };
      }
      case 'IsNull': {
        const v = this.translate(e.operand, scope, false);
        return { sql: `(${v.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, fallible: v.fallible, simple: false };
      }
      case 'Between': {
        const t = e.value.type;
        const v = this.translate(e.value, scope, false);
        const lo = this.translate(e.low, scope, false);
        const hi = this.translate(e.high, scope, false);
        if (t === null || lo.fallible || hi.fallible || !orderingNative(t, v, [lo, hi])) return this.island(e, scope);
        const sql = `${v.sql} ${e.negated ? 'NOT ' : ''}BETWEEN ${lo.sql} AND ${hi.sql}`;
        // A null operand: BETWEEN is false and NOT BETWEEN true (SQLite: NULL, or the same).
        if (e.negated) return { sql: `COALESCE(${sql}, 1)`, fallible: v.fallible, simple: false };
        return this.predicate(sql, truth, [v]);
      }
      case 'InList': {
        const t = e.value.type;
        // A NULL value, or no items (the typer drops NULL items): nothing matches.
        if (t === null || e.items.length === 0) return constant(e.negated);
        const v = this.translate(e.value, scope, false);
        const items = e.items.map((i) => this.translate(i, scope, false));
        if (items.some((i) => i.fallible) || !equalityNative(t, [v, ...items])) return this.island(e, scope);
        const sql = `${v.sql} IN (${items.map((i) => i.sql).join(', ')})`;
        if (e.negated) return { sql: `(NOT COALESCE(${sql}, 0))`, fallible: v.fallible, simple: false };
        return this.predicate(sql, truth, [v]);
      }
      case 'Case': {
        const o = e.operand && this.translate(e.operand, scope, false);
        // A searched CASE matches a condition that is true: NULL and false alike go on.
        const whens = e.whens.map((w) => ({ when: this.translate(w.when, scope, !e.operand), then: this.translate(w.then, scope, false) }));
        const otherwise = e.otherwise && this.translate(e.otherwise, scope, false);
        if (o && (e.operand!.type === null || !equalityNative(e.operand!.type, [o, ...whens.map((w) => w.when)]))) {
          return this.island(e, scope);
        }
        const all = [...(o ? [o] : []), ...whens.flatMap((w) => [w.when, w.then]), ...(otherwise ? [otherwise] : [])];
        const parts = whens.map((w) => `WHEN ${w.when.sql} THEN ${w.then.sql}`);
        return {
          sql: `(CASE${o ? ` ${o.sql}` : ''} ${parts.join(' ')}${otherwise ? ` ELSE ${otherwise.sql}` : ''} END)`,
          fallible: all.some((f) => f.fallible),
          simple: false,
        };
      }
      case 'Arithmetic': {
        // String `+` is concatenation: null if either side is, as SQLite's ||.
        if (e.type.kind !== 'STRING') return this.island(e, scope);
        const l = this.translate(e.left, scope, false);
        const r = this.translate(e.right, scope, false);
        return { sql: `(${l.sql} || ${r.sql})`, fallible: l.fallible || r.fallible, simple: false };
      }
      case 'Negate':
      case 'Like':
      case 'Subscript':
      case 'Dereference':
      case 'Array':
      case 'Map':
      case 'Struct':
      case 'FunctionCall':
      case 'Lambda':
      case 'LambdaParam':
      case 'IntervalUnit':
        return this.island(e, scope);
      default:
        return assertNever(e, 'typed expression');
    }
  }

  /**
   * Arguments of an aggregate call. A literal argument was given to the aggregate when it was
   * made (TOPK's k), so it is part of the plan rather than a parameter.
   */
  aggregateArgs(args: readonly TypedExpr[], scope: SqlScope): Fragment[] {
    return args.map((a) => {
      const literal = a.kind === 'Literal' ? a : a.kind === 'Cast' && a.operand.kind === 'Literal' ? a.operand : undefined;
      if (literal) {
        this.fixed.push(literal.span);
        return this.island(a, scope);
      }
      return this.translate(a, scope, false);
    });
  }

  private predicate(sql: string, truth: boolean, operands: readonly Fragment[]): Fragment {
    const fallible = operands.some((o) => o.fallible);
    return { sql: truth ? `(${sql})` : `COALESCE(${sql}, 0)`, fallible, simple: false };
  }

  private literal(e: Extract<TypedExpr, { kind: 'Literal' }>): Fragment {
    if (e.type === null || e.value === null) return { sql: 'NULL', fallible: false, simple: true };
    const type = e.type;
    const value = decodeLiteral(e.value, type);
    const origin: ParamOrigin = { kind: 'literal', span: e.span, type, value, convert: (v) => toSql(v, type) };
    return { sql: this.param(toSql(value, type), origin), fallible: false, simple: true, ...stringFlags(value) };
  }

  /** An implicit cast of a literal (5 compared with a BIGINT) is done here, once, as compile.ts does. */
  private foldedCast(e: Extract<TypedExpr, { kind: 'Cast' }>): Fragment | undefined {
    const lit = e.operand;
    if (lit.kind !== 'Literal' || lit.type === null || lit.value === null) return undefined;
    const from = lit.type;
    const to = e.type;
    const cast = typesEqual(from, to) ? (v: unknown) => v : caster(from, to);
    const value = decodeLiteral(lit.value, from);
    let bound: unknown;
    try {
      bound = toSql(cast(value), to);
    } catch {
      return undefined; // it fails per row, in a function, as it would have
    }
    const origin: ParamOrigin = { kind: 'literal', span: lit.span, type: from, value, convert: (v) => toSql(cast(v), to) };
    return { sql: this.param(bound, origin), fallible: false, simple: true, ...stringFlags(cast(value)) };
  }

  /** Sluice's compiled code for `e`, as a function of the columns it reads. */
  private island(e: TypedExpr, scope: SqlScope): Fragment {
    const cols = new Map<number, SqlType>();
    for (const n of typedNodes(e)) {
      if (n.kind === 'Column') cols.set(n.index, n.type);
      else if (n.kind === 'Literal') this.fixed.push(n.span);
    }
    const columns: ArgColumn[] = [...cols].sort((a, b) => a[0] - b[0]).map(([index, type]) => ({ index, type }));
    const name = this.fns.expression(e, columns, this.functions);
    return { sql: `${name}(${columns.map((c) => scope.column(c.index)).join(', ')})`, fallible: true, simple: false };
  }
}

function constant(v: boolean): Fragment {
  return { sql: v ? '1' : '0', fallible: false, simple: true };
}

function stringFlags(v: unknown): Pick<Fragment, 'exotic' | 'lowString'> {
  if (typeof v !== 'string') return {};
  return HIGH.test(v) ? { exotic: true } : { lowString: true };
}

/** SQLite's `=` on these operands, as stored, is Sluice's equality. */
function equalityNative(type: SqlType, operands: readonly Fragment[]): boolean {
  if (!EQUALITY.has(type.kind)) return false;
  if (type.kind === 'DOUBLE') return operands.every((o) => o.simple);
  if (type.kind === 'STRING') return operands.every((o) => !o.exotic);
  return true;
}

/** SQLite's `<` between `value` and each of `bounds` is Sluice's order. */
function orderingNative(type: SqlType, value: Fragment, bounds: readonly Fragment[]): boolean {
  if (!ORDERING.has(type.kind)) return false;
  const all = [value, ...bounds];
  if (type.kind === 'DOUBLE') return all.every((o) => o.simple);
  if (type.kind === 'STRING') return all.every((o) => !o.exotic) && bounds.every((b) => b.lowString || value.lowString);
  return true;
}

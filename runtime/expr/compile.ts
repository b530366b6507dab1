// Compiles a typed expression to one JavaScript function, once per query: the tree becomes
// straight-line source (temporaries, labelled blocks for the lazy constructs) handed to
// `new Function`, with constants, casts and function implementations passed in by position.
// Nothing looks at the tree per record.
//
// Null semantics follow ksqlDB, which is not quite textbook SQL:
// - numeric arithmetic and negation on a null operand fail the expression (ksqlDB's generated
//   Java unboxes the operands: a NullPointerException), so `TRANSFORM(a, x => x + 1)` over an
//   array holding a null is null as a whole, not an array with a null in it;
// - string `+`, casts, subscripts, dereferences and LIKE give null for a null operand;
// - comparisons and BETWEEN are false when either side is null (ksqlDB's generated code does
//   exactly that), and IN never matches a null; so NOT (a = b) is true when a is null;
// - AND / OR / NOT are three-valued; CASE treats a null condition as not matched;
// - IS [NOT] DISTINCT FROM treats two nulls as equal.
// Integer arithmetic wraps like Java (INT at 32 bits, BIGINT at 64), integer division truncates
// and division by zero throws EvaluationError, DOUBLE is IEEE, DECIMAL is exact.
//
// Errors are contained the way ksqlDB's nested error handling contains them: an explicit CAST,
// an ARRAY / MAP / STRUCT constructor's element, and a function argument that is itself a call,
// a dereference or a cast to the parameter's type each evaluate to null when they fail, and the
// error goes to the caller's `onError`. So `ARRAY[44, STRINGTODATE('foo', 'yyyyMMdd')]` is
// `[44, null]`, and `COALESCE(PARSE_DATE(s, p1), PARSE_DATE(s, p2))` tries the second pattern.
// Anything else that fails, fails the whole expression.

import { assertNever } from '../../grammar/ast.js';
import type { ComparisonOp } from '../../grammar/ast.js';
import type { FunctionCatalog } from '../../planner/functions.js';
import { callTypesOf, decodeLiteral, type TypedExpr, type TypedFunctionCall } from '../../planner/expressions/typed.js';
import { formatType, typesEqual, type SqlType } from '../../planner/types.js';
import { caster } from './cast.js';
import * as decimalOps from './decimal-ops.js';
import * as helpers from './helpers.js';

/** Told of a failure that a sub-expression recovered from by becoming null; `where` names it. */
export type NestedErrorSink = (error: unknown, where: string) => void;

export type CompiledExpression = (row: readonly unknown[], onError?: NestedErrorSink) => unknown;

export function compileExpression(typed: TypedExpr, env: { readonly functions: FunctionCatalog }): CompiledExpression {
  const gen = new Generator(env.functions);
  const body: string[] = [];
  const result = gen.emit(typed, body, new Map());
  const source = `${gen.prelude()}\nreturn function compiledExpression(row, onError) {\n${body.join('\n')}\nreturn ${result};\n};`;
  return new Function('$', source)(gen.constants) as CompiledExpression;
}

const HELPERS: Readonly<Record<string, unknown>> = { ...helpers, ...decimalOps };

/** Lambda parameter name → the JavaScript parameter standing for it. */
type Params = ReadonlyMap<string, string>;

/**
 * Function arguments ksqlDB evaluates on their own, turning a failure into a null argument: a
 * call, a dereference, or a cast to the parameter's type (an explicit CAST contains itself).
 */
function containedArg(a: TypedExpr): boolean {
  return a.kind === 'FunctionCall' || a.kind === 'Dereference' || (a.kind === 'Cast' && a.implicit);
}

/** Kinds whose values are JavaScript primitives, so `===`, `<` and Map lookups work on them directly. */
const PRIMITIVE = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DOUBLE', 'STRING', 'DATE', 'TIME', 'TIMESTAMP']);

const DECIMAL_OPS = { '+': 'decimalAdd', '-': 'decimalSub', '*': 'decimalMul', '/': 'decimalDiv', '%': 'decimalRem' } as const;

class Generator {
  readonly constants: unknown[] = [];
  private readonly helpersUsed = new Set<string>();
  /** Generated expressions known never to be null (literals, non-null constants). */
  private readonly nonNull = new Set<string>();
  private counter = 0;

  constructor(private readonly functions: FunctionCatalog) {}

  /** Binds the constants (and the helpers used) to local names once, outside the per-record function. */
  prelude(): string {
    const lines = ['"use strict";', ...this.constants.map((_, i) => `const k${i} = $[${i}];`)];
    if (this.helpersUsed.size > 0) {
      const index = this.constants.push(HELPERS) - 1;
      lines.push(`const { ${[...this.helpersUsed].join(', ')} } = $[${index}];`);
    }
    return lines.join('\n');
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    const name = `k${this.constants.length - 1}`;
    if (value !== null && value !== undefined) this.nonNull.add(name);
    return name;
  }

  /** `a == null || b == null` over the operands that can be null; '' when none can. */
  private anyNull(codes: readonly string[]): string {
    return codes
      .filter((c) => !this.nonNull.has(c))
      .map((c) => `${c} == null`)
      .join(' || ');
  }

  /** `cond ? whenNull : otherwise`, dropping the test when no operand can be null. */
  private ifNull(codes: readonly string[], whenNull: string, otherwise: string): string {
    const test = this.anyNull(codes);
    return test === '' ? otherwise : `(${test}) ? ${whenNull} : ${otherwise}`;
  }

  private helper(name: string): string {
    if (!(name in HELPERS)) throw new Error(`no helper ${name}`);
    this.helpersUsed.add(name);
    return name;
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** `const tN = code;` and returns tN. */
  private bind(out: string[], code: string): string {
    const t = this.fresh('t');
    out.push(`const ${t} = ${code};`);
    return t;
  }

  /** As bind, for code that never yields null (predicates, constructors). */
  private bindNonNull(out: string[], code: string): string {
    const t = this.bind(out, code);
    this.nonNull.add(t);
    return t;
  }

  /** JavaScript source for a runtime value: inline for primitives, a constant otherwise. */
  private value(v: unknown): string {
    if (v === null || v === undefined) return 'null';
    let code: string;
    switch (typeof v) {
      case 'boolean':
        code = String(v);
        break;
      case 'string':
        code = JSON.stringify(v);
        break;
      case 'bigint':
        code = `(${v}n)`;
        break;
      case 'number':
        code = Object.is(v, -0) ? '(-0)' : `(${String(v)})`;
        break;
      default:
        return this.constant(v);
    }
    this.nonNull.add(code);
    return code;
  }

  /** Emits statements computing `e` into `out` and returns a side-effect-free expression for its value. */
  emit(e: TypedExpr, out: string[], params: Params): string {
    switch (e.kind) {
      case 'Literal':
        return this.value(decodeLiteral(e.value, e.type));
      case 'Column':
        return `row[${e.index}]`;
      case 'LambdaParam': {
        const p = params.get(e.name);
        if (p === undefined) throw new Error(`lambda parameter ${e.name} is not in scope`);
        return p;
      }
      case 'Cast':
        if (e.implicit) return this.cast(e.operand, e.type, out, params);
        return this.contained(out, `cast to ${formatType(e.type)}`, (inner) => this.cast(e.operand, e.type, inner, params));
      case 'Arithmetic': {
        const l = this.emit(e.left, out, params);
        const r = this.emit(e.right, out, params);
        const onNull = e.type.kind === 'STRING' ? 'null' : `${this.helper('nullOperand')}()`;
        return this.bind(out, this.ifNull([l, r], onNull, this.arithmetic(e.op, e.type, l, r)));
      }
      case 'Negate': {
        const v = this.emit(e.operand, out, params);
        return this.bind(out, this.ifNull([v], `${this.helper('nullOperand')}()`, this.negate(e.type, v)));
      }
      case 'Comparison': {
        const l = this.emit(e.left, out, params);
        const r = this.emit(e.right, out, params);
        return this.bindNonNull(out, this.ifNull([l, r], 'false', this.compare(e.left.type, e.op, l, r)));
      }
      case 'IsDistinctFrom': {
        const l = this.emit(e.left, out, params);
        const r = this.emit(e.right, out, params);
        const type = e.left.type ?? e.right.type;
        const nullCase = e.negated ? `(${l} == null && ${r} == null)` : `((${l} == null) !== (${r} == null))`;
        if (type === null) return this.bindNonNull(out, nullCase);
        const whenBoth = this.compare(type, e.negated ? '=' : '<>', l, r);
        return this.bindNonNull(out, this.ifNull([l, r], nullCase, whenBoth));
      }
      case 'Logical':
        return this.logical(e.op, e.left, e.right, out, params);
      case 'Not': {
        const v = this.emit(e.operand, out, params);
        return this.bind(out, this.ifNull([v], 'null', `!${v}`));
      }
      case 'IsNull': {
        const v = this.emit(e.operand, out, params);
        return this.bindNonNull(out, e.negated ? `${v} != null` : `${v} == null`);
      }
      case 'Between': {
        const v = this.emit(e.value, out, params);
        const lo = this.emit(e.low, out, params);
        const hi = this.emit(e.high, out, params);
        const t = e.value.type!;
        const test = `(${this.compare(t, '>=', v, lo)} && ${this.compare(t, '<=', v, hi)})`;
        return this.bindNonNull(out, this.ifNull([v, lo, hi], String(e.negated), e.negated ? `!${test}` : test));
      }
      case 'InList':
        return this.inList(e.value, e.items, e.negated, out, params);
      case 'Like': {
        const v = this.emit(e.value, out, params);
        let test: string;
        if (e.pattern.kind === 'Literal' && typeof e.pattern.value === 'string') {
          test = `${this.constant(helpers.likePattern(e.pattern.value, e.escape))}.test(${v})`;
        } else {
          const p = this.emit(e.pattern, out, params);
          test = this.ifNull([p], 'null', `${this.constant(helpers.likeMatcher(e.escape))}(${v}, ${p})`);
        }
        const m = this.bind(out, this.ifNull([v], 'null', `(${test})`));
        return e.negated ? this.bind(out, `${m} == null ? null : !${m}`) : m;
      }
      case 'Case':
        return this.caseExpr(e.operand, e.whens, e.otherwise, out, params);
      case 'Subscript': {
        const b = this.emit(e.base, out, params);
        const i = this.emit(e.index, out, params);
        if (e.base.type?.kind === 'ARRAY') return this.bind(out, `${this.helper('arrayAccess')}(${b}, ${i})`);
        const get = PRIMITIVE.has(e.index.type?.kind ?? '') ? `(${b}.get(${i}) ?? null)` : `${this.helper('mapGet')}(${b}, ${i})`;
        return this.bind(out, this.ifNull([b], 'null', get));
      }
      case 'Dereference': {
        const b = this.emit(e.base, out, params);
        return this.bind(out, this.ifNull([b], 'null', `${this.helper('field')}(${b}, ${JSON.stringify(e.field)})`));
      }
      case 'Array': {
        const items = e.items.map((x) => this.contained(out, 'array item', (inner) => this.emit(x, inner, params)));
        return this.bindNonNull(out, `[${items.join(', ')}]`);
      }
      case 'Map': {
        const m = this.bindNonNull(out, 'new Map()');
        for (const { key, value } of e.entries) {
          const k = this.contained(out, 'map key', (inner) => this.emit(key, inner, params));
          const v = this.contained(out, 'map value', (inner) => this.emit(value, inner, params));
          out.push(`${m}.set(${k}, ${v});`);
        }
        return m;
      }
      case 'Struct': {
        // Computed keys define own properties even for a field named __proto__.
        const fields = e.fields.map(
          (f) => `[${JSON.stringify(f.name)}]: ${this.contained(out, 'struct field', (inner) => this.emit(f.value, inner, params))}`,
        );
        return this.bindNonNull(out, `{ ${fields.join(', ')} }`);
      }
      case 'FunctionCall':
        return this.call(e, out, params);
      case 'Lambda': {
        const names = e.params.map(() => this.fresh('p'));
        const inner = new Map(params);
        e.params.forEach((p, i) => inner.set(p, names[i]!));
        const lines: string[] = [];
        const r = this.emit(e.body, lines, inner);
        return `((${names.join(', ')}) => {\n${lines.join('\n')}\nreturn ${r};\n})`;
      }
      case 'IntervalUnit':
        return JSON.stringify(e.unit);
      default:
        return assertNever(e, 'typed expression');
    }
  }

  /**
   * Emits a sub-expression whose failure makes it null (reported to `onError`) rather than
   * failing the whole expression. Code that cannot fail (a column, a literal) is left bare.
   */
  private contained(out: string[], where: string, emitInner: (inner: string[]) => string): string {
    const inner: string[] = [];
    const r = emitInner(inner);
    if (inner.length === 0) return r;
    const t = this.fresh('t');
    out.push(`let ${t} = null;`, 'try {', ...inner, `${t} = ${r};`);
    out.push(`} catch (err) { if (onError) onError(err, ${JSON.stringify(where)}); }`);
    return t;
  }

  private cast(operand: TypedExpr, to: SqlType, out: string[], params: Params): string {
    const from = operand.type;
    if (from === null) return 'null';
    if (typesEqual(from, to)) return this.emit(operand, out, params);
    const c = caster(from, to);
    if (operand.kind === 'Literal') {
      // A constant cast is done once, here; if it fails it must fail per record, as it would have.
      try {
        return this.value(c(decodeLiteral(operand.value, operand.type)));
      } catch {
        // fall through to the per-record cast
      }
    }
    const v = this.emit(operand, out, params);
    return this.bind(out, `${this.constant(c)}(${v})`);
  }

  private arithmetic(op: string, type: SqlType, l: string, r: string): string {
    switch (type.kind) {
      case 'INT':
        if (op === '*') return `Math.imul(${l}, ${r})`;
        if (op === '/') return `${this.helper('intDiv')}(${l}, ${r})`;
        if (op === '%') return `${this.helper('intRem')}(${l}, ${r})`;
        return `((${l} ${op} ${r}) | 0)`;
      case 'BIGINT':
        if (op === '/') return `${this.helper('longDiv')}(${l}, ${r})`;
        if (op === '%') return `${this.helper('longRem')}(${l}, ${r})`;
        return `BigInt.asIntN(64, ${l} ${op} ${r})`;
      case 'DECIMAL':
        return `${this.helper(DECIMAL_OPS[op as keyof typeof DECIMAL_OPS])}(${l}, ${r}, ${type.precision}, ${type.scale})`;
      case 'DOUBLE':
      case 'STRING':
        return `(${l} ${op} ${r})`;
      default:
        throw new Error(`no arithmetic on ${type.kind}`);
    }
  }

  private negate(type: SqlType, v: string): string {
    switch (type.kind) {
      case 'INT':
        return `((-${v}) | 0)`;
      case 'BIGINT':
        return `BigInt.asIntN(64, -${v})`;
      case 'DOUBLE':
        return `(-${v})`;
      case 'DECIMAL':
        return `${v}.neg()`;
      default:
        throw new Error(`no negation of ${type.kind}`);
    }
  }

  /** `l op r` for two non-null values of the same base type. */
  private compare(type: SqlType | null, op: ComparisonOp, l: string, r: string): string {
    const js = op === '=' ? '===' : op === '<>' ? '!==' : op;
    switch (type?.kind) {
      case 'DOUBLE':
        // Java's generated code: equal is (a <= b && a >= b), not-equal (a < b || a > b), so NaN equals nothing.
        return op === '<>' ? `(${l} < ${r} || ${l} > ${r})` : `(${l} ${js} ${r})`;
      case 'BOOLEAN':
      case 'INT':
      case 'BIGINT':
      case 'STRING':
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
        return `(${l} ${js} ${r})`;
      case 'DECIMAL':
        return `(${l}.compare(${r}) ${js} 0)`;
      case 'BYTES':
        return `(${this.helper('compareBytes')}(${l}, ${r}) ${js} 0)`;
      case 'ARRAY':
      case 'MAP':
      case 'STRUCT':
        return `${op === '<>' ? '!' : ''}${this.helper('deepEquals')}(${l}, ${r})`;
      default:
        throw new Error('cannot compare values of an unknown type');
    }
  }

  private logical(op: 'AND' | 'OR', left: TypedExpr, right: TypedExpr, out: string[], params: Params): string {
    const l = this.emit(left, out, params);
    const t = this.fresh('t');
    // The right side runs only when the left does not decide: false for AND, true for OR.
    const decided = op === 'AND' ? 'false' : 'true';
    const inner: string[] = [];
    const r = this.emit(right, inner, params);
    out.push(`let ${t};`);
    out.push(`if (${l} === ${decided}) { ${t} = ${decided}; } else {`);
    out.push(...inner);
    out.push(`${t} = ${r} === ${decided} ? ${decided} : (${l} == null || ${r} == null) ? null : ${op === 'AND' ? 'true' : 'false'};`);
    out.push('}');
    return t;
  }

  private inList(value: TypedExpr, items: readonly TypedExpr[], negated: boolean, out: string[], params: Params): string {
    const v = this.emit(value, out, params);
    const t = this.fresh('t');
    const label = this.fresh('L');
    out.push(`let ${t} = false;`);
    if (value.type !== null && items.length > 0) {
      out.push(`${label}: if (${v} != null) {`);
      for (const item of items) {
        const i = this.emit(item, out, params);
        const test = this.ifNull([i], 'false', this.compare(value.type, '=', v, i));
        out.push(`if (${test}) { ${t} = true; break ${label}; }`);
      }
      out.push('}');
    }
    this.nonNull.add(t);
    return negated ? this.bindNonNull(out, `!${t}`) : t;
  }

  private caseExpr(
    operand: TypedExpr | undefined,
    whens: readonly { readonly when: TypedExpr; readonly then: TypedExpr }[],
    otherwise: TypedExpr | undefined,
    out: string[],
    params: Params,
  ): string {
    const o = operand && this.emit(operand, out, params);
    const t = this.fresh('t');
    const label = this.fresh('L');
    out.push(`let ${t} = null;`);
    out.push(`${label}: {`);
    for (const { when, then } of whens) {
      const w = this.emit(when, out, params);
      const test = o === undefined ? `${w} === true` : this.ifNull([o, w], 'false', this.compare(operand!.type, '=', o, w));
      out.push(`if (${test}) {`);
      const r = this.emit(then, out, params);
      out.push(`${t} = ${r}; break ${label};`, '}');
    }
    if (otherwise) out.push(`${t} = ${this.emit(otherwise, out, params)};`);
    out.push('}');
    return t;
  }

  private call(e: TypedFunctionCall, out: string[], params: Params): string {
    const fn = this.functions.lookup(e.name);
    if (!fn || fn.kind !== 'scalar' || e.functionKind !== 'scalar') {
      throw new Error(`${e.name} is not a scalar function; aggregate and table calls are evaluated by their operators`);
    }
    const overload = fn.overloads[e.overload];
    if (!overload) throw new Error(`${e.name} has no overload ${e.overload}`);
    const impl = overload.make(callTypesOf(e));
    const f = this.constant(impl);
    const args = e.args.map((a) =>
      containedArg(a) ? this.contained(out, argName(a), (inner) => this.emit(a, inner, params)) : this.emit(a, out, params),
    );
    const invoke = `(${f}(${args.join(', ')}) ?? null)`;
    if (!overload.nullIfAnyNull) return this.bind(out, invoke);
    const values = args.filter((_, i) => e.args[i]!.kind !== 'Lambda' && e.args[i]!.kind !== 'IntervalUnit');
    return this.bind(out, this.ifNull(values, 'null', invoke));
  }
}

/** How a contained function argument is named when it fails: ksqlDB names the call or the field. */
function argName(a: TypedExpr): string {
  switch (a.kind) {
    case 'FunctionCall':
      return a.name;
    case 'Dereference':
      return a.field;
    default:
      return a.type === null ? 'argument' : `cast to ${formatType(a.type)}`;
  }
}

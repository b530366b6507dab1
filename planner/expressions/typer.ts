// Types an AST expression against a Scope, following ksqlDB's rules (ExpressionTypeManager,
// CoercionUtil, ComparisonUtil, CastEvaluator), and produces the typed IR the runtime compiles.
// Errors are SemanticErrors at the offending node's span, worded as ksqlDB words them.

import type {
  Arithmetic,
  Comparison,
  ComparisonOp,
  Expression,
  FunctionCall,
  Lambda,
  SimpleCase,
  SearchedCase,
  TypedLiteral as TypedLiteralNode,
} from '../../grammar/ast.js';
import { assertNever } from '../../grammar/ast.js';
import { SemanticError } from '../errors.js';
import { formatExpression } from '../format-expression.js';
import {
  FunctionResolutionError,
  type AggregateOverload,
  type ArgShape,
  type FunctionCatalog,
  type FunctionDef,
  type ResolvedCall,
  type ScalarOverload,
  type TableFunctionOverload,
} from '../functions.js';
import { resolveType } from '../resolve-type.js';
import {
  BOOLEAN,
  INT,
  STRING,
  arrayType,
  formatType,
  isNumeric,
  mapType,
  structType,
  typesEqual,
  type SqlType,
} from '../types.js';
import { Decimal } from '../values/decimal.js';
import { decodeBase64, parseJavaDouble } from '../values/java-text.js';
import { parseDate, parseTime, parseTimestamp } from '../values/temporal.js';
import { ListCoercion, baseTypeName, implicitCast } from './coercion.js';
import { decimalLiteral, doubleLiteral, integerLiteral, parseBooleanExact, type NumericLiteral } from './literals.js';
import type { Scope } from './scope.js';
import {
  arithmeticResultType,
  canImplicitlyCast,
  commonSuperType,
  comparisonType,
  castSupported,
  toDecimalType,
} from './type-rules.js';
import {
  encodeLiteral,
  decodeLiteral,
  type CallLiteral,
  type TypedExpr,
  type TypedFunctionCall,
  type TypedLiteral,
} from './typed.js';

export { canImplicitlyCast, commonSuperType } from './type-rules.js';

export interface TypeEnv {
  readonly functions: FunctionCatalog;
  /** Resolves a CREATE TYPE name. */
  resolveType(name: string): SqlType | undefined;
  /**
   * Lets the planner stand an already-typed expression in for a subexpression (an aggregate call
   * or a GROUP BY expression that is a column of the aggregated row). Consulted for every node
   * before it is typed; undefined means "type it normally".
   */
  readonly substitute?: (expr: Expression) => TypedExpr | undefined;
}

export function typeExpression(expr: Expression, scope: Scope, env: TypeEnv): TypedExpr {
  return new Typer(scope, env).type(expr, NO_LAMBDAS);
}

/** Types an aggregate call (its arguments in `scope`), resolving it against the aggregate overloads. */
export function typeAggregateCall(call: FunctionCall, scope: Scope, env: TypeEnv): TypedFunctionCall {
  return new Typer(scope, env).call(call, NO_LAMBDAS, 'aggregate');
}

/** Types a table-function call (EXPLODE(...)); its type is the type of one produced value. */
export function typeTableFunctionCall(call: FunctionCall, scope: Scope, env: TypeEnv): TypedFunctionCall {
  return new Typer(scope, env).call(call, NO_LAMBDAS, 'table');
}

export function isAggregateCall(expr: Expression, functions: FunctionCatalog): expr is FunctionCall {
  return expr.kind === 'FunctionCall' && functions.lookup(expr.name)?.kind === 'aggregate';
}

/** Lambda parameters in scope, innermost binding winning. */
type LambdaScope = ReadonlyMap<string, SqlType>;
const NO_LAMBDAS: LambdaScope = new Map();

const COMPARISON_NAMES: Record<ComparisonOp, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
};

function err(message: string, node: { readonly span: Expression['span'] }): SemanticError {
  return new SemanticError(message, node.span);
}

function literal(node: { readonly span: Expression['span'] }, type: SqlType | null, value: unknown): TypedLiteral {
  return { kind: 'Literal', type, value: encodeLiteral(value, type), span: node.span };
}

const isComplex = (t: SqlType): boolean => t.kind === 'ARRAY' || t.kind === 'MAP' || t.kind === 'STRUCT';

/** Brings a comparison operand to the comparison type `t`. */
function comparable(e: TypedExpr, t: SqlType): TypedExpr {
  if (e.type === null) return e.kind === 'Literal' ? { ...e, type: t } : e;
  if (typesEqual(e.type, t)) return e;
  // Decimal comparison ignores scale, so DECIMALs need no rescaling to meet each other.
  if (e.type.kind === 'DECIMAL' && t.kind === 'DECIMAL') return e;
  if (isComplex(t) && !canImplicitlyCast(e.type, t)) return e;
  return implicitCast(e, t);
}

/** Gives a NULL literal its context's type; widens anything else to `t` when it differs. */
function toType(e: TypedExpr, t: SqlType): TypedExpr {
  if (e.type === null) return e.kind === 'Literal' ? { ...e, type: t } : e;
  return typesEqual(e.type, t) ? e : implicitCast(e, t);
}

class Typer {
  constructor(
    private readonly scope: Scope,
    private readonly env: TypeEnv,
  ) {}

  type(e: Expression, lambdas: LambdaScope): TypedExpr {
    const substituted = this.env.substitute?.(e);
    if (substituted) return substituted;
    switch (e.kind) {
      case 'IntegerLiteral':
        return this.numeric(e, integerLiteral(e.text, false), `Invalid numeric literal: ${e.text}`);
      case 'DecimalLiteral':
        return this.numeric(e, decimalLiteral(e.text, false), '');
      case 'DoubleLiteral':
        return this.numeric(e, doubleLiteral(e.text, false), `Number overflows DOUBLE: ${e.text}`);
      case 'StringLiteral':
        return literal(e, STRING, e.value);
      case 'BooleanLiteral':
        return literal(e, BOOLEAN, e.value);
      case 'NullLiteral':
        return literal(e, null, null);
      case 'TypedLiteral':
        return this.typedLiteral(e);
      case 'ColumnRef': {
        if (e.source === undefined) {
          const param = lambdas.get(e.name);
          if (param) return { kind: 'LambdaParam', name: e.name, type: param, span: e.span };
        }
        const binding = this.scope.lookup(e.source, e.name);
        if (!binding) {
          const name = e.source === undefined ? e.name : `${e.source}.${e.name}`;
          throw err(`Column '${name}' cannot be resolved.`, e);
        }
        return { kind: 'Column', name: binding.name, index: binding.index, type: binding.type, span: e.span };
      }
      case 'Dereference': {
        const base = this.type(e.base, lambdas);
        if (base.type?.kind !== 'STRUCT') {
          throw err(`Expected STRUCT type, got: ${base.type ? formatType(base.type) : 'NULL'}`, e.base);
        }
        const field = base.type.fields.find((f) => f.name === e.field);
        if (!field) throw err(`Could not find field '${e.field}' in '${formatExpression(e.base)}'.`, e);
        return { kind: 'Dereference', base, field: e.field, type: field.type, span: e.span };
      }
      case 'Subscript':
        return this.subscript(e, lambdas);
      case 'Arithmetic':
        return this.arithmetic(e, lambdas);
      case 'Negate': {
        const o = e.operand;
        if (o.kind === 'IntegerLiteral') return this.numeric(e, integerLiteral(o.text, true), `Invalid numeric literal: -${o.text}`);
        if (o.kind === 'DecimalLiteral') return this.numeric(e, decimalLiteral(o.text, true), '');
        if (o.kind === 'DoubleLiteral') return this.numeric(e, doubleLiteral(o.text, true), `Number overflows DOUBLE: -${o.text}`);
        const operand = this.type(o, lambdas);
        if (operand.type === null || !isNumeric(operand.type)) {
          throw err(`Unary minus is not supported for ${operand.type ? formatType(operand.type) : 'NULL'}: ${formatExpression(e)}`, e);
        }
        return { kind: 'Negate', operand, type: operand.type, span: e.span };
      }
      case 'Concat':
        // ksqlDB parses `a || b` as CONCAT(a, b).
        return this.call(
          { kind: 'FunctionCall', name: 'CONCAT', args: [e.left, e.right], distinct: false, star: false, span: e.span },
          lambdas,
          'scalar',
        );
      case 'Comparison':
        return this.comparison(e, lambdas);
      case 'Logical':
        return {
          kind: 'Logical',
          op: e.op,
          left: this.boolean(e.left, lambdas, e.op),
          right: this.boolean(e.right, lambdas, e.op),
          type: BOOLEAN,
          span: e.span,
        };
      case 'Not':
        return { kind: 'Not', operand: this.boolean(e.operand, lambdas, 'NOT'), type: BOOLEAN, span: e.span };
      case 'IsNull':
        return { kind: 'IsNull', negated: e.negated, operand: this.type(e.operand, lambdas), type: BOOLEAN, span: e.span };
      case 'IsDistinctFrom': {
        let left = this.type(e.left, lambdas);
        let right = this.type(e.right, lambdas);
        // Unlike `=`, IS [NOT] DISTINCT FROM is well defined on NULL, so a NULL side takes the other's type.
        if (left.type !== null && right.type !== null) {
          const t = comparisonType(left.type, right.type, true);
          if (!t) {
            const op = e.negated ? 'IS_NOT_DISTINCT_FROM' : 'IS_DISTINCT_FROM';
            throw err(cannotCompare(e.left, left.type, e.right, right.type, op), e);
          }
          left = comparable(left, t);
          right = comparable(right, t);
        } else if (left.type !== null) {
          right = comparable(right, left.type);
        } else if (right.type !== null) {
          left = comparable(left, right.type);
        }
        return { kind: 'IsDistinctFrom', negated: e.negated, left, right, type: BOOLEAN, span: e.span };
      }
      case 'Between': {
        const value = this.type(e.value, lambdas);
        const low = this.type(e.low, lambdas);
        const high = this.type(e.high, lambdas);
        const t1 = this.comparisonTypeOf(e.value, value.type, '>=', e.low, low.type);
        const t = this.comparisonTypeOf(e.value, t1, '<=', e.high, high.type);
        return {
          kind: 'Between',
          negated: e.negated,
          value: comparable(value, t),
          low: comparable(low, t),
          high: comparable(high, t),
          type: BOOLEAN,
          span: e.span,
        };
      }
      case 'InList': {
        // NULL items never match, so they take no part in finding the common type.
        const sources = [e.value, ...e.list.filter((x) => x.kind !== 'NullLiteral')];
        const typed = sources.map((x) => this.type(x, lambdas));
        const { exprs } = new ListCoercion((x) => this.type(x, lambdas)).coerce(sources, typed);
        return { kind: 'InList', negated: e.negated, value: exprs[0]!, items: exprs.slice(1), type: BOOLEAN, span: e.span };
      }
      case 'Like': {
        const value = this.string(e.value, lambdas, 'LIKE');
        const pattern = this.string(e.pattern, lambdas, 'LIKE');
        if (e.escape !== undefined && e.pattern.kind === 'StringLiteral' && endsWithEscape(e.pattern.value, e.escape)) {
          throw err('LIKE pattern must not end with escape character', e.pattern);
        }
        return { kind: 'Like', negated: e.negated, value, pattern, escape: e.escape, type: BOOLEAN, span: e.span };
      }
      case 'SimpleCase':
      case 'SearchedCase':
        return this.caseExpr(e, lambdas);
      case 'Cast': {
        const to = resolveType(e.type, (n) => this.env.resolveType(n));
        const operand = this.type(e.operand, lambdas);
        if (operand.type === null) return literal(e, to, null);
        if (!castSupported(operand.type, to)) {
          throw err(`Cast of ${formatType(operand.type)} to ${formatType(to)} is not supported`, e);
        }
        return { kind: 'Cast', operand, type: to, implicit: false, span: e.span };
      }
      case 'FunctionCall':
        return this.call(e, lambdas, 'scalar');
      case 'IntervalUnit':
        throw err(`Time unit ${e.unit} is only allowed as a function argument`, e);
      case 'ArrayConstructor': {
        if (e.items.length === 0) {
          throw err(
            'Array constructor cannot be empty. Please supply at least one element ' +
              '(see https://github.com/confluentinc/ksql/issues/4239).',
            e,
          );
        }
        const r = this.coerceList(e.items, lambdas);
        if (r.type === null) {
          throw err(
            'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). ' +
              'As a workaround, you may cast a NULL value to the desired type.',
            e,
          );
        }
        return { kind: 'Array', items: r.exprs, type: arrayType(r.type), span: e.span };
      }
      case 'MapConstructor': {
        if (e.entries.length === 0) {
          throw err(
            'Map constructor cannot be empty. Please supply at least one key value pair ' +
              '(see https://github.com/confluentinc/ksql/issues/4239).',
            e,
          );
        }
        const keys = this.coerceList(
          e.entries.map((x) => x.key),
          lambdas,
        );
        const values = this.coerceList(
          e.entries.map((x) => x.value),
          lambdas,
        );
        for (const [r, what] of [
          [keys, 'keys'],
          [values, 'values'],
        ] as const) {
          if (r.type === null) {
            throw err(
              `Cannot construct a map with all NULL ${what} (see https://github.com/confluentinc/ksql/issues/4239). ` +
                `As a workaround, you may cast a NULL ${what.slice(0, -1)} to the desired type.`,
              e,
            );
          }
        }
        return {
          kind: 'Map',
          entries: keys.exprs.map((key, i) => ({ key, value: values.exprs[i]! })),
          type: mapType(keys.type!, values.type!),
          span: e.span,
        };
      }
      case 'StructConstructor': {
        const names = new Set<string>();
        const fields = e.fields.map((f) => {
          if (names.has(f.name)) throw err('Duplicate field names found in STRUCT', e);
          names.add(f.name);
          const value = this.type(f.value, lambdas);
          if (value.type === null) {
            throw err(`Cannot infer the type of STRUCT field ${f.name} from NULL: cast the NULL to the desired type`, f.value);
          }
          return { name: f.name, value };
        });
        return {
          kind: 'Struct',
          fields,
          type: structType(fields.map((f) => ({ name: f.name, type: f.value.type! }))),
          span: e.span,
        };
      }
      case 'Lambda':
        throw err('Lambda expressions are only allowed as function arguments', e);
      default:
        return assertNever(e, 'expression');
    }
  }

  private numeric(node: Expression, lit: NumericLiteral | undefined, overflow: string): TypedExpr {
    if (!lit) throw err(overflow, node);
    return literal(node, lit.type, lit.value);
  }

  /** `DATE '2020-01-01'` and friends: the text parsed as ksqlDB parses strings coerced to the type. */
  private typedLiteral(e: TypedLiteralNode): TypedExpr {
    const type = resolveType(e.type, (n) => this.env.resolveType(n));
    const text = e.value.trim();
    let value: unknown;
    try {
      value = parseLiteralText(text, type);
    } catch {
      value = undefined;
    }
    if (value === undefined) throw err(`invalid input syntax for type ${baseTypeName(type)}: "${e.value}".`, e);
    return literal(e, type, value);
  }

  private coerceList(items: readonly Expression[], lambdas: LambdaScope) {
    const typed = items.map((x) => this.type(x, lambdas));
    return new ListCoercion((x) => this.type(x, lambdas)).coerce(items, typed);
  }

  private boolean(e: Expression, lambdas: LambdaScope, op: string): TypedExpr {
    const t = this.type(e, lambdas);
    if (t.type === null) return toType(t, BOOLEAN);
    if (t.type.kind !== 'BOOLEAN') {
      throw err(`${op} requires BOOLEAN operands, but ${formatExpression(e)} is ${formatType(t.type)}`, e);
    }
    return t;
  }

  private string(e: Expression, lambdas: LambdaScope, op: string): TypedExpr {
    const t = this.type(e, lambdas);
    if (t.type === null) return toType(t, STRING);
    if (t.type.kind !== 'STRING') {
      throw err(`${op} requires STRING operands, but ${formatExpression(e)} is ${formatType(t.type)}`, e);
    }
    return t;
  }

  private subscript(e: Expression & { kind: 'Subscript' }, lambdas: LambdaScope): TypedExpr {
    const base = this.type(e.base, lambdas);
    let index = this.type(e.index, lambdas);
    switch (base.type?.kind) {
      case 'ARRAY': {
        // ksqlDB evaluates the index as a Java int.
        if (index.type === null) index = toType(index, INT);
        else if (index.type.kind === 'BIGINT') index = implicitCast(index, INT);
        else if (index.type.kind !== 'INT') {
          throw err(`Array index must be an INTEGER, but ${formatExpression(e.index)} is ${formatType(index.type)}`, e.index);
        }
        return { kind: 'Subscript', base, index, type: base.type.element, span: e.span };
      }
      case 'MAP': {
        const key = base.type.key;
        if (index.type !== null && !canImplicitlyCast(index.type, key)) {
          throw err(
            `Map key ${formatExpression(e.index)} is ${formatType(index.type)}, but the map's keys are ${formatType(key)}`,
            e.index,
          );
        }
        return { kind: 'Subscript', base, index: toType(index, key), type: base.type.value, span: e.span };
      }
      default: {
        const t = base.type ? formatType(base.type) : 'NULL';
        const hint =
          base.type?.kind === 'STRUCT' ? ` Use the dereference operator for STRUCTS: ${formatExpression(e.base)}->'${formatExpression(e.index)}'` : '';
        throw err(`Subscript expression (${formatExpression(e)}) do not apply to ${t}.${hint}`, e);
      }
    }
  }

  private arithmetic(e: Arithmetic, lambdas: LambdaScope): TypedExpr {
    const left = this.type(e.left, lambdas);
    const right = this.type(e.right, lambdas);
    const lt = left.type;
    const rt = right.type;
    const prefix = `Error processing expression: ${formatExpression(e)}.`;
    if (lt === null || rt === null) {
      const name = (t: SqlType | null): string => (t ? formatType(t) : 'null');
      throw err(`${prefix} Arithmetic on types ${name(lt)} and ${name(rt)} are not supported.`, e);
    }
    // ksqlDB concatenates with + as well as with ||.
    if (e.op === '+' && lt.kind === 'STRING' && rt.kind === 'STRING') {
      return { kind: 'Arithmetic', op: e.op, left, right, type: STRING, span: e.span };
    }
    if (!isNumeric(lt) || !isNumeric(rt)) {
      throw err(`${prefix} Unsupported arithmetic types. ${baseTypeName(lt)} ${baseTypeName(rt)}`, e);
    }
    const type = arithmeticResultType(e.op, lt, rt);
    // The operands meet in the result's domain: INT and BIGINT become DECIMAL(10|19, 0) next to a
    // DECIMAL, anything becomes DOUBLE next to a DOUBLE.
    const domain = (x: TypedExpr): TypedExpr => {
      const xt = x.type!;
      if (type.kind === 'DECIMAL') return xt.kind === 'DECIMAL' ? x : implicitCast(x, toDecimalType(xt)!);
      return typesEqual(xt, type) ? x : implicitCast(x, type);
    };
    return { kind: 'Arithmetic', op: e.op, left: domain(left), right: domain(right), type, span: e.span };
  }

  /** The type a comparison brings both sides to, or a ksqlDB-worded error. */
  private comparisonTypeOf(le: Expression, lt: SqlType | null, op: ComparisonOp, re: Expression, rt: SqlType | null): SqlType {
    if (lt === null || rt === null) {
      const name = (t: SqlType | null): string => (t ? baseTypeName(t) : 'NULL');
      throw err(
        `Comparison with NULL not supported: ${name(lt)} ${op} ${name(rt)}\n` + "Use 'IS NULL' or 'IS NOT NULL' instead.",
        lt === null ? le : re,
      );
    }
    const t = comparisonType(lt, rt, op === '=' || op === '<>');
    if (!t) throw err(cannotCompare(le, lt, re, rt, COMPARISON_NAMES[op]), le);
    return t;
  }

  private comparison(e: Comparison, lambdas: LambdaScope): TypedExpr {
    const left = this.type(e.left, lambdas);
    const right = this.type(e.right, lambdas);
    const t = this.comparisonTypeOf(e.left, left.type, e.op, e.right, right.type);
    return { kind: 'Comparison', op: e.op, left: comparable(left, t), right: comparable(right, t), type: BOOLEAN, span: e.span };
  }

  private caseExpr(e: SimpleCase | SearchedCase, lambdas: LambdaScope): TypedExpr {
    let operand: TypedExpr | undefined;
    let whens: TypedExpr[];
    if (e.kind === 'SimpleCase') {
      operand = this.type(e.operand, lambdas);
      whens = e.whens.map((w) => this.type(w.when, lambdas));
      // Each WHEN value is compared with the operand by `=`.
      let t = operand.type;
      for (let i = 0; i < whens.length; i++) {
        t = this.comparisonTypeOf(e.operand, t, '=', e.whens[i]!.when, whens[i]!.type);
      }
      const common = t!;
      operand = comparable(operand, common);
      whens = whens.map((w) => comparable(w, common));
    } else {
      whens = e.whens.map((w) => {
        const c = this.type(w.when, lambdas);
        if (c.type === null) return toType(c, BOOLEAN);
        if (c.type.kind !== 'BOOLEAN') {
          throw err(`WHEN operand type should be boolean.\nType for '${formatExpression(w.when)}' is ${formatType(c.type)}`, w.when);
        }
        return c;
      });
    }
    const thens = e.whens.map((w) => this.type(w.then, lambdas));
    const otherwise = e.otherwise && this.type(e.otherwise, lambdas);

    // The result type is the common type of the branches. ksqlDB insists on identical THEN types;
    // we also accept branches that widen to one another (INT and BIGINT, say).
    let type: SqlType | null = null;
    for (let i = 0; i < thens.length; i++) {
      const w = e.whens[i]!;
      const t = thens[i]!.type;
      const c = commonSuperType([type, t]);
      if (c === undefined) {
        throw err(
          "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n" +
            `THEN expression 'WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}' has type: ${formatType(t!)}.\n` +
            `Previous THEN expression(s) type: ${formatType(type!)}.`,
          w.then,
        );
      }
      type = c;
    }
    if (otherwise?.type) {
      const c = commonSuperType([type, otherwise.type]);
      if (c === undefined) {
        throw err(
          "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\n" +
            `THEN type: ${formatType(type!)}.\nDEFAULT type: ${formatType(otherwise.type)}.`,
          e.otherwise!,
        );
      }
      type = c;
    }
    if (type === null) throw err('Invalid Case expression. All case branches have NULL type', e);
    const result: SqlType = type;
    return {
      kind: 'Case',
      operand,
      whens: whens.map((when, i) => ({ when, then: toType(thens[i]!, result) })),
      otherwise: otherwise && toType(otherwise, result),
      type: result,
      span: e.span,
    };
  }

  call(e: FunctionCall, lambdas: LambdaScope, functionKind: 'scalar' | 'aggregate' | 'table'): TypedFunctionCall {
    const fn = this.env.functions.lookup(e.name);
    if (!fn) throw err(`Can't find any functions with the name '${e.name}'`, e);
    if (fn.kind !== functionKind) {
      if (fn.kind === 'aggregate') throw err(`Aggregate functions are not allowed here: ${formatExpression(e)}`, e);
      if (fn.kind === 'table') throw err(`Table functions are not allowed here: ${formatExpression(e)}`, e);
      throw err(`${e.name} is a scalar function, not ${functionKind === 'table' ? 'a table' : 'an aggregate'} function`, e);
    }
    if (e.distinct && functionKind !== 'aggregate') throw err(`DISTINCT is only allowed in aggregate calls: ${formatExpression(e)}`, e);

    const values: (TypedExpr | undefined)[] = [];
    const lambdaBodies = new Map<number, Map<string, TypedExpr>>();
    const shapes: ArgShape[] = e.args.map((arg, i): ArgShape => {
      if (arg.kind === 'Lambda') {
        const bodies = new Map<string, TypedExpr>();
        lambdaBodies.set(i, bodies);
        return {
          kind: 'lambda',
          arity: arg.params.length,
          typeLambda: (params) => {
            const key = JSON.stringify(params);
            let body = bodies.get(key);
            if (!body) bodies.set(key, (body = this.lambdaBody(arg, params, lambdas)));
            return body.type!;
          },
        };
      }
      if (arg.kind === 'IntervalUnit') return { kind: 'unit', unit: arg.unit };
      const t = this.type(arg, lambdas);
      values[i] = t;
      return t.kind === 'Literal'
        ? { kind: 'value', type: t.type, literal: decodeLiteral(t.value, t.type) }
        : { kind: 'value', type: t.type };
    });

    const resolved = resolve(this.env.functions, fn, functionKind, shapes, e);
    const { call } = resolved;
    const literals: (CallLiteral | null)[] = [];
    const args = e.args.map((arg, i): TypedExpr => {
      const argType = call.argTypes[i]!;
      if (arg.kind === 'IntervalUnit') {
        literals.push({ type: null, value: arg.unit });
        return { kind: 'IntervalUnit', unit: arg.unit, type: null, span: arg.span };
      }
      literals.push(null);
      if (arg.kind === 'Lambda') {
        if (argType.kind !== 'LAMBDA_ARG') throw new Error(`argument ${i} of ${e.name} is not a lambda`);
        const bodies = lambdaBodies.get(i)!;
        const key = JSON.stringify(argType.params);
        let body = bodies.get(key) ?? this.lambdaBody(arg, argType.params, lambdas);
        if (body.type && !typesEqual(body.type, argType.returns) && canImplicitlyCast(body.type, argType.returns)) {
          body = implicitCast(body, argType.returns);
        }
        return { kind: 'Lambda', params: arg.params, paramTypes: argType.params, body, type: null, span: arg.span };
      }
      const value = values[i]!;
      if (value.kind === 'Literal') literals[i] = { type: value.type, value: value.value };
      const castTo = resolved.castArgsTo[i];
      if (castTo) return implicitCast(value, castTo);
      // A NULL argument takes the type the overload gave its parameter.
      return value.type === null && argType.kind !== 'LAMBDA_ARG' && argType.kind !== 'INTERVAL_UNIT_ARG'
        ? toType(value, argType)
        : value;
    });
    return {
      kind: 'FunctionCall',
      functionKind,
      name: fn.name,
      overload: (fn.overloads as readonly unknown[]).indexOf(resolved.overload),
      args,
      argTypes: call.argTypes,
      bindings: [...call.bindings],
      literals,
      type: resolved.returnType,
      span: e.span,
    };
  }

  private lambdaBody(lambda: Lambda, params: readonly SqlType[], outer: LambdaScope): TypedExpr {
    if (params.length !== lambda.params.length) {
      throw err(`Lambda has ${lambda.params.length} parameters but the function passes ${params.length}`, lambda);
    }
    if (new Set(lambda.params).size !== lambda.params.length) {
      throw err(`Duplicate lambda parameter names: ${lambda.params.join(', ')}`, lambda);
    }
    const inner = new Map(outer);
    lambda.params.forEach((p, i) => inner.set(p, params[i]!));
    const body = this.type(lambda.body, inner);
    if (body.type === null) throw err('A lambda body cannot be a bare NULL: cast it to the desired type', lambda.body);
    return body;
  }
}

function resolve(
  functions: FunctionCatalog,
  fn: FunctionDef,
  kind: FunctionDef['kind'],
  shapes: readonly ArgShape[],
  at: FunctionCall,
): ResolvedCall<ScalarOverload | AggregateOverload | TableFunctionOverload> {
  try {
    switch (kind) {
      case 'scalar':
        return functions.resolveScalar(fn.name, shapes);
      case 'aggregate':
        return functions.resolveAggregate(fn.name, shapes);
      case 'table':
        return functions.resolveTable(fn.name, shapes);
    }
  } catch (x) {
    if (x instanceof FunctionResolutionError) throw err(x.message, at);
    throw x;
  }
}

function cannotCompare(le: Expression, lt: SqlType, re: Expression, rt: SqlType, op: string): string {
  return (
    `Cannot compare ${formatExpression(le)} (${formatType(lt)}) to ${formatExpression(re)} (${formatType(rt)}) ` +
    `with ${op}.`
  );
}

function endsWithEscape(pattern: string, escape: string): boolean {
  let escaped = false;
  for (const c of pattern) escaped = !escaped && c === escape;
  return escaped;
}

const INT_RANGE = /^[+-]?\d+$/;

/** A typed literal's text as a value of `type`, undefined when it does not parse. */
function parseLiteralText(text: string, type: SqlType): unknown {
  switch (type.kind) {
    case 'STRING':
      return text;
    case 'BOOLEAN':
      return parseBooleanExact(text);
    case 'INT': {
      const lit = INT_RANGE.test(text) ? integerLiteral(text.replace(/^[+-]/, ''), text.startsWith('-')) : undefined;
      return lit?.type === INT ? lit.value : undefined;
    }
    case 'BIGINT': {
      const lit = INT_RANGE.test(text) ? integerLiteral(text.replace(/^[+-]/, ''), text.startsWith('-')) : undefined;
      return lit === undefined ? undefined : BigInt(lit.value as number | bigint);
    }
    case 'DOUBLE':
      return parseJavaDouble(text);
    case 'DECIMAL': {
      const d = Decimal.parse(text);
      return d.fits(type.precision, type.scale) && d.scale <= type.scale ? d.setScale(type.scale) : undefined;
    }
    case 'DATE':
      return parseDate(text);
    case 'TIME':
      return parseTime(text);
    case 'TIMESTAMP':
      return parseTimestamp(text);
    case 'BYTES':
      return decodeBase64(text);
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return undefined;
  }
}

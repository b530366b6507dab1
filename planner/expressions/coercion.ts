// ksqlDB's CoercionUtil: bringing a user-written list of expressions (IN lists, ARRAY[...] and
// MAP(...) constructors) to one common type.
//
// The common type is folded left to right. Literals are coerced leniently: a string literal
// meeting numbers takes the numeric type its text denotes ('10' is INT, '2e1' a DECIMAL), one
// meeting BOOLEAN must read as a boolean, and number, boolean and date literals turn into
// strings next to STRINGs. Other expressions only widen. Nested constructors are resolved
// element by element against the type so far, so ARRAY[1] next to an ARRAY<BIGINT> is fine.
// Each expression whose type differs from the common type is then wrapped in an implicit cast.

import type { Expression } from '../../grammar/ast.js';
import { SemanticError } from '../errors.js';
import { formatExpression } from '../format-expression.js';
import { BOOLEAN, DOUBLE, arrayType, formatType, isNumeric, mapType, structType, typesEqual } from '../types.js';
import type { SqlType, StructField } from '../types.js';
import { parseBooleanExact, stringNumericType } from './literals.js';
import { decodeBase64 } from '../values/java-text.js';
import { parseDate, parseTime, parseTimestamp } from '../values/temporal.js';
import { canImplicitlyCast, toDecimalType, widenDecimals } from './type-rules.js';
import type { TypedExpr } from './typed.js';

/** ksqlDB's SqlBaseType name, as its coercion messages print it. */
export function baseTypeName(t: SqlType): string {
  return t.kind === 'INT' ? 'INTEGER' : t.kind;
}

/** A coercion mismatch. Enclosing constructors re-report it naming themselves, as ksqlDB does. */
class CoercionFailure extends SemanticError {}

function coercionFailure(expr: Expression, source: SqlType, target: SqlType): CoercionFailure {
  return new CoercionFailure(
    `operator does not exist: ${formatType(target)} = ${formatType(source)} (${formatExpression(expr)})\n` +
      'Hint: You might need to add explicit type casts.',
    expr.span,
  );
}

function invalidSyntax(expr: Expression, value: string, target: SqlType): SemanticError {
  return new SemanticError(`invalid input syntax for type ${baseTypeName(target)}: "${value}".`, expr.span);
}

export function isLiteral(e: Expression): boolean {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'TypedLiteral':
      return true;
    case 'Negate':
      return e.operand.kind === 'IntegerLiteral' || e.operand.kind === 'DecimalLiteral' || e.operand.kind === 'DoubleLiteral';
    default:
      return false;
  }
}

const TO_STRING_LAX = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DECIMAL', 'DOUBLE', 'TIMESTAMP', 'TIME', 'DATE']);
const FROM_STRING_STRICT = new Set(['TIMESTAMP', 'TIME', 'DATE', 'BYTES']);
const FROM_STRING_LAX = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DECIMAL', 'DOUBLE']);

/**
 * DefaultSqlValueCoercer.canCoerce: the type values of `from` take when coerced to `to`, or
 * undefined. `lax` (used for literals) adds conversions to and from STRING.
 */
function canCoerce(from: SqlType, to: SqlType, lax: boolean): SqlType | undefined {
  if (isNumeric(from) && isNumeric(to)) {
    if (to.kind === 'DOUBLE') return to;
    if (from.kind === 'DOUBLE') return undefined;
    if (to.kind === 'DECIMAL') return widenDecimals(toDecimalType(from)!, to);
    if (from.kind === 'DECIMAL') return undefined;
    return from.kind === 'INT' || to.kind === 'BIGINT' ? to : undefined;
  }
  if (from.kind === 'STRING') {
    if (to.kind === 'STRING' || FROM_STRING_STRICT.has(to.kind)) return to;
    return lax && FROM_STRING_LAX.has(to.kind) ? to : undefined;
  }
  if (to.kind === 'STRING') return lax && TO_STRING_LAX.has(from.kind) ? to : undefined;
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') {
    const e = canCoerce(from.element, to.element, lax);
    return e && arrayType(e);
  }
  if (from.kind === 'MAP' && to.kind === 'MAP') {
    const k = canCoerce(from.key, to.key, lax);
    const v = k && canCoerce(from.value, to.value, lax);
    return k && v && mapType(k, v);
  }
  if (from.kind === 'STRUCT' && to.kind === 'STRUCT') {
    const fields: StructField[] = [];
    for (const name of unionNames(from.fields, to.fields)) {
      const f = from.fields.find((x) => x.name === name);
      const t = to.fields.find((x) => x.name === name);
      const type = f && t ? canCoerce(f.type, t.type, lax) : (f ?? t)!.type;
      if (!type) return undefined;
      fields.push({ name, type });
    }
    return structType(fields);
  }
  return typesEqual(from, to) ? to : undefined;
}

function unionNames(a: readonly { name: string }[], b: readonly { name: string }[]): string[] {
  return [...new Set([...a.map((f) => f.name), ...b.map((f) => f.name)])];
}

interface Item {
  readonly source: Expression;
  readonly type: SqlType | null;
}

export interface ListCoercionResult {
  /** The common type; null when every expression is a NULL literal. */
  readonly type: SqlType | null;
  readonly exprs: readonly TypedExpr[];
}

export class ListCoercion {
  /** `typeOf` types an element expression in the caller's context (lambda parameters included). */
  constructor(private readonly typeOf: (e: Expression) => TypedExpr) {}

  coerce(sources: readonly Expression[], typed: readonly TypedExpr[]): ListCoercionResult {
    let common: SqlType | undefined;
    for (let i = 0; i < sources.length; i++) common = this.step({ source: sources[i]!, type: typed[i]!.type }, common);
    const type: SqlType | null = common ?? null;
    return { type, exprs: type === null ? typed : typed.map((t) => convert(t, type)) };
  }

  private step(item: Item, common: SqlType | undefined): SqlType | undefined {
    if (common === undefined) return item.type ?? undefined;
    if (item.type === null) return common;
    const e = item.source;
    try {
      switch (e.kind) {
        case 'ArrayConstructor':
          if (common.kind !== 'ARRAY') throw coercionFailure(e, item.type, common);
          return arrayType(this.structured(common.element, e.items));
        case 'MapConstructor':
          if (common.kind !== 'MAP') throw coercionFailure(e, item.type, common);
          return mapType(
            this.structured(common.key, e.entries.map((x) => x.key)),
            this.structured(common.value, e.entries.map((x) => x.value)),
          );
        case 'StructConstructor': {
          if (common.kind !== 'STRUCT') throw coercionFailure(e, item.type, common);
          const fields: StructField[] = [];
          for (const name of unionNames(e.fields, common.fields)) {
            const f = e.fields.find((x) => x.name === name);
            const t = common.fields.find((x) => x.name === name);
            const type = f
              ? t
                ? this.step({ source: f.value, type: this.typeOf(f.value).type }, t.type)!
                : this.typeOf(f.value).type
              : t!.type;
            if (type === null) throw new SemanticError(`Cannot infer the type of STRUCT field ${name} from NULL`, e.span);
            fields.push({ name, type });
          }
          return structType(fields);
        }
        case 'StringLiteral':
          if (isNumeric(common)) return numericFromString(e, e.value, common);
          if (common.kind === 'BOOLEAN') {
            if (parseBooleanExact(e.value.trim()) === undefined) throw invalidSyntax(e, e.value, BOOLEAN);
            return common;
          }
          break;
        default:
          break;
      }
    } catch (err) {
      // A mismatch inside a constructor is reported against the whole constructor.
      throw err instanceof CoercionFailure ? coercionFailure(e, item.type, common) : err;
    }
    const lax = isLiteral(e);
    const t = canCoerce(item.type, common, lax) ?? canCoerce(common, item.type, lax);
    if (!t) throw coercionFailure(e, item.type, common);
    return t;
  }

  /** The common type of constructor elements, starting from `target` (ksqlDB seeds a typed NULL). */
  private structured(target: SqlType, exprs: readonly Expression[]): SqlType {
    let common: SqlType | undefined = target;
    for (const e of exprs) common = this.step({ source: e, type: this.typeOf(e).type }, common);
    return common!;
  }
}

function numericFromString(e: Expression, value: string, target: SqlType): SqlType {
  const source = stringNumericType(value);
  if (!source) throw invalidSyntax(e, value, target);
  if (source.kind === 'DOUBLE' || target.kind === 'DOUBLE') return DOUBLE;
  if (source.kind === 'DECIMAL' || target.kind === 'DECIMAL') return widenDecimals(toDecimalType(source)!, toDecimalType(target)!);
  return canImplicitlyCast(source, target) ? target : source;
}

const STRING_PARSERS: Partial<Record<SqlType['kind'], (s: string) => unknown>> = {
  DATE: parseDate,
  TIME: parseTime,
  TIMESTAMP: parseTimestamp,
  BYTES: (s) => {
    if (decodeBase64(s) === undefined) throw new Error('not base64');
  },
  BOOLEAN: (s) => {
    if (parseBooleanExact(s) === undefined) throw new Error('not a boolean');
  },
};

/**
 * An implicit cast the typer decided on. A string literal cast to a date, time, timestamp, bytes
 * or boolean is checked now: ksqlDB converts literals while planning, so bad text fails the
 * statement rather than every record.
 */
export function implicitCast(e: TypedExpr, to: SqlType): TypedExpr {
  if (e.kind === 'Literal' && typeof e.value === 'string' && e.type?.kind === 'STRING') {
    const parse = STRING_PARSERS[to.kind];
    try {
      parse?.(e.value.trim());
    } catch {
      throw new SemanticError(`invalid input syntax for type ${baseTypeName(to)}: "${e.value}".`, e.span);
    }
  }
  return { kind: 'Cast', operand: e, type: to, implicit: true, span: e.span };
}

/** Brings one list element to the common type; NULL literals simply take the type. */
function convert(typed: TypedExpr, common: SqlType): TypedExpr {
  if (typed.type === null && typed.kind === 'Literal') return { ...typed, type: common };
  if (typed.type !== null && typesEqual(typed.type, common)) return typed;
  return implicitCast(typed, common);
}

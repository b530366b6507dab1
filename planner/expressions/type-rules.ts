// ksqlDB's typing rules as pure functions over SqlTypes: numeric widening, DECIMAL result
// precision and scale, which types compare and which casts exist. The typer applies them; the
// function registry and the planner may reuse them.

import type { ArithmeticOp } from '../../grammar/ast.js';
import {
  BIGINT,
  DOUBLE,
  INT,
  arrayType,
  decimalType,
  isNumeric,
  mapType,
  structType,
  typesEqual,
  type DecimalType,
  type SqlType,
  type StructField,
} from '../types.js';

/** What INT and BIGINT become when they meet a DECIMAL. */
export const INT_AS_DECIMAL = decimalType(10, 0);
export const BIGINT_AS_DECIMAL = decimalType(19, 0);

// INT → BIGINT → DECIMAL → DOUBLE, ksqlDB's SqlBaseType order.
const NUMERIC_RANK: Partial<Record<SqlType['kind'], number>> = { INT: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

/** INT, BIGINT and DECIMAL as a DECIMAL type; undefined for anything else. */
export function toDecimalType(t: SqlType): DecimalType | undefined {
  switch (t.kind) {
    case 'DECIMAL':
      return t;
    case 'INT':
      return INT_AS_DECIMAL;
    case 'BIGINT':
      return BIGINT_AS_DECIMAL;
    default:
      return undefined;
  }
}

/** DecimalUtil.widen: a DECIMAL that holds every value of both. */
export function widenDecimals(a: DecimalType, b: DecimalType): DecimalType {
  const scale = Math.max(a.scale, b.scale);
  return decimalType(Math.max(a.precision - a.scale, b.precision - b.scale) + scale, scale);
}

/** The narrowest numeric type both numeric types widen to. */
export function commonNumericType(a: SqlType, b: SqlType): SqlType {
  const ra = NUMERIC_RANK[a.kind]!;
  const rb = NUMERIC_RANK[b.kind]!;
  if (ra === 3 || rb === 3) return DOUBLE;
  if (ra === 2 || rb === 2) return widenDecimals(toDecimalType(a)!, toDecimalType(b)!);
  return ra === 1 || rb === 1 ? BIGINT : INT;
}

/**
 * The result type of `left op right` for numeric operands (ksqlDB's Operator.resultType and
 * SqlDecimal rules). The narrower operand widens to the wider; DECIMAL results get ksqlDB's
 * precision and scale. There is no cap at 38 digits: ksqlDB's SqlDecimal has none.
 */
export function arithmeticResultType(op: ArithmeticOp, left: SqlType, right: SqlType): SqlType {
  const rl = NUMERIC_RANK[left.kind]!;
  const rr = NUMERIC_RANK[right.kind]!;
  const wider = rl >= rr ? left : right;
  if (wider.kind !== 'DECIMAL') return wider;
  return decimalResultType(op, toDecimalType(left)!, toDecimalType(right)!);
}

export function decimalResultType(op: ArithmeticOp, l: DecimalType, r: DecimalType): DecimalType {
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(l.scale, r.scale);
      return decimalType(scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1, scale);
    }
    case '*':
      return decimalType(l.precision + r.precision + 1, l.scale + r.scale);
    case '/': {
      const scale = Math.max(6, l.scale + r.precision + 1);
      return decimalType(l.precision - l.scale + r.scale + scale, scale);
    }
    case '%': {
      const scale = Math.max(l.scale, r.scale);
      return decimalType(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale);
    }
  }
}

/**
 * True when every value of `from` is a value of `to` without loss worth mentioning: numeric
 * widening (a DECIMAL only into one with at least as many integer and fraction digits), and the
 * same element-wise inside ARRAY, MAP and STRUCT (matching fields by name).
 */
export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) {
    if (to.kind === 'DECIMAL') {
      const d = toDecimalType(from);
      return d !== undefined && d.scale <= to.scale && d.precision - d.scale <= to.precision - to.scale;
    }
    return NUMERIC_RANK[from.kind]! <= NUMERIC_RANK[to.kind]!;
  }
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return canImplicitlyCast(from.element, to.element);
  if (from.kind === 'MAP' && to.kind === 'MAP') {
    return canImplicitlyCast(from.key, to.key) && canImplicitlyCast(from.value, to.value);
  }
  if (from.kind === 'STRUCT' && to.kind === 'STRUCT') {
    return from.fields.every((f) => {
      const t = to.fields.find((x) => x.name === f.name);
      return t !== undefined && canImplicitlyCast(f.type, t.type);
    });
  }
  return false;
}

/**
 * The narrowest type both widen to. STRUCTs meet in the union of their fields (a's first) when
 * `structUnion`, as ksqlDB's coercion of expression lists builds it; otherwise, as a function's
 * generic binds, they need the same fields in the same order.
 */
function commonOfTwo(a: SqlType, b: SqlType, structUnion: boolean): SqlType | undefined {
  if (typesEqual(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) return commonNumericType(a, b);
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const e = commonOfTwo(a.element, b.element, structUnion);
    return e && arrayType(e);
  }
  if (a.kind === 'MAP' && b.kind === 'MAP') {
    const k = commonOfTwo(a.key, b.key, structUnion);
    const v = commonOfTwo(a.value, b.value, structUnion);
    return k && v && mapType(k, v);
  }
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
    if (!structUnion && (a.fields.length !== b.fields.length || a.fields.some((f, i) => f.name !== b.fields[i]!.name))) {
      return undefined;
    }
    const fields: StructField[] = [];
    for (const f of a.fields) {
      const other = b.fields.find((x) => x.name === f.name);
      const t = other ? commonOfTwo(f.type, other.type, structUnion) : f.type;
      if (!t) return undefined;
      fields.push({ name: f.name, type: t });
    }
    for (const f of b.fields) if (!a.fields.some((x) => x.name === f.name)) fields.push(f);
    return structType(fields);
  }
  return undefined;
}

/** The type a function's generic takes when it is bound to both `a` and `b` (T of INT and BIGINT is BIGINT). */
export function commonGenericType(a: SqlType, b: SqlType): SqlType | undefined {
  return commonOfTwo(a, b, false);
}

/**
 * The narrowest type all of `types` implicitly cast to. NULL-literal types (null) are skipped;
 * null when there is nothing but NULLs, undefined when the types have no common type.
 */
export function commonSuperType(types: readonly (SqlType | null)[]): SqlType | null | undefined {
  let acc: SqlType | null = null;
  for (const t of types) {
    if (t === null) continue;
    if (acc === null) {
      acc = t;
      continue;
    }
    const c = commonOfTwo(acc, t, true);
    if (c === undefined) return undefined;
    acc = c;
  }
  return acc;
}

const TEMPORAL = new Set(['DATE', 'TIME', 'TIMESTAMP']);
const isTemporal = (t: SqlType): boolean => TEMPORAL.has(t.kind);

/**
 * The type both sides of a comparison are brought to before comparing, or undefined when
 * ksqlDB refuses the comparison. `equalityOnly` is set for =, <>, IS [NOT] DISTINCT FROM.
 *
 * Numbers compare with numbers (widened), strings with strings, and a STRING compares with a
 * DATE / TIME / TIMESTAMP by parsing it. DATE and TIMESTAMP compare (a date is its midnight);
 * TIME only with TIME. BOOLEAN, ARRAY, MAP and STRUCT support only equality.
 */
export function comparisonType(left: SqlType, right: SqlType, equalityOnly: boolean): SqlType | undefined {
  if (isNumeric(left) && isNumeric(right)) return commonNumericType(left, right);
  if (left.kind === 'STRING' && right.kind === 'STRING') return left;
  if (left.kind === 'STRING' && isTemporal(right)) return right;
  if (right.kind === 'STRING' && isTemporal(left)) return left;
  if (isTemporal(left) && isTemporal(right)) {
    if (left.kind === right.kind) return left;
    if (left.kind === 'TIME' || right.kind === 'TIME') return undefined;
    return left.kind === 'TIMESTAMP' ? left : right;
  }
  if (left.kind === 'BYTES' && right.kind === 'BYTES') return left;
  if (!equalityOnly) return undefined;
  if (left.kind === 'BOOLEAN' && right.kind === 'BOOLEAN') return left;
  if (
    (left.kind === 'ARRAY' && right.kind === 'ARRAY') ||
    (left.kind === 'MAP' && right.kind === 'MAP') ||
    (left.kind === 'STRUCT' && right.kind === 'STRUCT')
  ) {
    // ksqlDB compares any two arrays (maps, structs) with equals(); widening to a common type
    // first makes ARRAY<INT> = ARRAY<BIGINT> compare values rather than Java classes.
    return commonOfTwo(left, right, true) ?? left;
  }
  return undefined;
}

/** ksqlDB's CastEvaluator table: which CAST(x AS to) exist for x of type `from`. */
export function castSupported(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  switch (from.kind) {
    case 'BOOLEAN':
      return to.kind === 'STRING';
    case 'INT':
    case 'BIGINT':
    case 'DECIMAL':
    case 'DOUBLE':
      return isNumeric(to) || to.kind === 'STRING';
    case 'STRING':
      return to.kind !== 'ARRAY' && to.kind !== 'MAP' && to.kind !== 'STRUCT';
    case 'TIMESTAMP':
      return to.kind === 'STRING' || to.kind === 'DATE' || to.kind === 'TIME';
    case 'DATE':
      return to.kind === 'STRING' || to.kind === 'TIMESTAMP';
    case 'TIME':
      return to.kind === 'STRING';
    case 'BYTES':
      return false;
    case 'ARRAY':
      return to.kind === 'STRING' || (to.kind === 'ARRAY' && castSupported(from.element, to.element));
    case 'MAP':
      return (
        to.kind === 'STRING' ||
        (to.kind === 'MAP' && castSupported(from.key, to.key) && castSupported(from.value, to.value))
      );
    case 'STRUCT':
      if (to.kind === 'STRING') return true;
      if (to.kind !== 'STRUCT') return false;
      // Fields only on one side are dropped or read as null; shared fields must cast.
      return from.fields.every((f) => {
        const t = to.fields.find((x) => x.name === f.name);
        return t === undefined || castSupported(f.type, t.type);
      });
  }
}

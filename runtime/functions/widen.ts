// Implicit widening between SQL types, as ksqlDB applies it to function arguments:
// INT → BIGINT → DECIMAL → DOUBLE, element-wise inside ARRAY / MAP / STRUCT. Nothing
// widens to STRING. The resolver uses the type rules; expression compilers use
// `widenValue` to perform the casts that `ResolvedCall.castArgsTo` asks for.

import { Decimal } from '../../planner/values/decimal.js';
import {
  BIGINT,
  DOUBLE,
  arrayType,
  decimalType,
  mapType,
  structType,
  typesEqual,
  type DecimalType,
  type SqlType,
} from '../../planner/types.js';
import { parseIsoDate, parseIsoTime, parseIsoTimestamp } from './time-text.js';

/** ksqlDB's maximum DECIMAL precision. */
export const MAX_DECIMAL_PRECISION = 38;

/** The DECIMAL an exact numeric widens to: INT → DECIMAL(10,0), BIGINT → DECIMAL(19,0). */
export function asDecimalType(t: SqlType): DecimalType | null {
  switch (t.kind) {
    case 'INT':
      return decimalType(10, 0);
    case 'BIGINT':
      return decimalType(19, 0);
    case 'DECIMAL':
      return t;
    default:
      return null;
  }
}

/** The narrowest DECIMAL holding both: max integer digits plus max scale. */
export function widerDecimal(a: DecimalType, b: DecimalType): DecimalType {
  const scale = Math.max(a.scale, b.scale);
  const intDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
  return decimalType(Math.min(MAX_DECIMAL_PRECISION, intDigits + scale), scale);
}

/** Whether a value of `from` can be passed where `to` is expected without an explicit CAST. */
export function canWiden(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  switch (from.kind) {
    case 'INT':
      return to.kind === 'BIGINT' || to.kind === 'DOUBLE' || (to.kind === 'DECIMAL' && to.precision - to.scale >= 10);
    case 'BIGINT':
      return to.kind === 'DOUBLE' || (to.kind === 'DECIMAL' && to.precision - to.scale >= 19);
    case 'DECIMAL':
      return (
        to.kind === 'DOUBLE' ||
        (to.kind === 'DECIMAL' && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale)
      );
    case 'ARRAY':
      return to.kind === 'ARRAY' && canWiden(from.element, to.element);
    case 'MAP':
      return to.kind === 'MAP' && canWiden(from.key, to.key) && canWiden(from.value, to.value);
    case 'STRUCT':
      return (
        to.kind === 'STRUCT' &&
        from.fields.length === to.fields.length &&
        from.fields.every((f, i) => f.name === to.fields[i]!.name && canWiden(f.type, to.fields[i]!.type))
      );
    default:
      return false;
  }
}

/** The narrowest type both widen to, or null (generic T bound to INT and BIGINT becomes BIGINT). */
export function commonType(a: SqlType, b: SqlType): SqlType | null {
  if (typesEqual(a, b)) return a;
  if (canWiden(a, b)) return b;
  if (canWiden(b, a)) return a;
  const numeric = (t: SqlType) => t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'DECIMAL' || t.kind === 'DOUBLE';
  if (numeric(a) && numeric(b)) {
    if (a.kind === 'DOUBLE' || b.kind === 'DOUBLE') return DOUBLE;
    if (a.kind === 'DECIMAL' || b.kind === 'DECIMAL') return widerDecimal(asDecimalType(a)!, asDecimalType(b)!);
    return BIGINT;
  }
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const e = commonType(a.element, b.element);
    return e && arrayType(e);
  }
  if (a.kind === 'MAP' && b.kind === 'MAP') {
    const k = commonType(a.key, b.key);
    const v = commonType(a.value, b.value);
    return k && v && mapType(k, v);
  }
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT' && a.fields.length === b.fields.length) {
    const fields = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!;
      const fb = b.fields[i]!;
      const t = fa.name === fb.name ? commonType(fa.type, fb.type) : null;
      if (!t) return null;
      fields.push({ name: fa.name, type: t });
    }
    return structType(fields);
  }
  return null;
}

function toDecimal(v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromBigInt(v);
  if (typeof v === 'number') return Decimal.fromNumber(v);
  throw new TypeError(`cannot widen ${typeof v} to DECIMAL`);
}

/**
 * Converts a runtime value of type `from` to type `to` (a widening `canWiden` allows, or the
 * coercion of a STRING literal to DATE / TIME / TIMESTAMP). Null stays null.
 */
export function widenValue(v: unknown, from: SqlType, to: SqlType): unknown {
  if (v === null || v === undefined) return null;
  if (typesEqual(from, to)) return v;
  switch (to.kind) {
    case 'BIGINT':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'DOUBLE':
      return v instanceof Decimal ? v.toNumber() : Number(v);
    case 'DECIMAL':
      return toDecimal(v).setScale(to.scale);
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP': {
      if (typeof v !== 'string') break;
      const parsed =
        to.kind === 'DATE' ? parseIsoDate(v) : to.kind === 'TIME' ? parseIsoTime(v) : parseIsoTimestamp(v);
      if (parsed === null) throw new RangeError(`Failed to parse ${to.kind.toLowerCase()} '${v}'`);
      return parsed;
    }
    case 'ARRAY':
      if (from.kind !== 'ARRAY') break;
      return (v as unknown[]).map((e) => widenValue(e, from.element, to.element));
    case 'MAP': {
      if (from.kind !== 'MAP') break;
      const out = new Map<unknown, unknown>();
      for (const [k, e] of v as Map<unknown, unknown>) {
        out.set(widenValue(k, from.key, to.key), widenValue(e, from.value, to.value));
      }
      return out;
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') break;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      to.fields.forEach((f, i) => {
        out[f.name] = widenValue(src[f.name] ?? null, from.fields[i]!.type, f.type);
      });
      return out;
    }
    default:
      break;
  }
  throw new TypeError(`cannot widen ${from.kind} to ${to.kind}`);
}

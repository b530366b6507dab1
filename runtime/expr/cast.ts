// CAST semantics, exactly as ksqlDB's CastEvaluator and DecimalUtil behave, plus the lenient
// coercion INSERT VALUES applies to literals (DefaultSqlValueCoercer.LAX).
//
// Java's primitive conversions are kept: DOUBLE → INT truncates and saturates, BIGINT → INT and
// DECIMAL → INT keep the low 32 bits, a DECIMAL is rounded HALF_UP to the target scale and fails
// when its integer digits do not fit. Failures throw EvaluationError (the record's problem).

import { formatType, typesEqual, type SqlType, type Struct } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { parseBooleanExact } from '../../planner/expressions/literals.js';
import {
  dateToTimestamp,
  formatDate,
  formatTime,
  formatTimestamp,
  parseDate,
  parseTime,
  parseTimestamp,
  timestampToDate,
  timestampToTime,
} from '../../planner/values/temporal.js';
import { EvaluationError } from './errors.js';
import { formatValue } from './format.js';
import {
  decodeBase64,
  javaDoubleToString,
  parseDecimalParts,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  partsToDecimal,
} from '../../planner/values/java-text.js';

/** Converts one non-null value; null is handled by the caller (a cast of null is null). */
type Convert = (value: any) => unknown;

/** A cast compiled once: null in, null out. */
export type Caster = (value: unknown) => unknown;

export function caster(from: SqlType, to: SqlType): Caster {
  const c = converter(from, to);
  return (v) => (v === null || v === undefined ? null : c(v));
}

export function castValue(value: unknown, from: SqlType, to: SqlType): unknown {
  return caster(from, to)(value);
}

// ---------------------------------------------------------------- numbers

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java's (int) of a double: truncation, NaN → 0, saturating at the int range. */
function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

/** Java's (long) of a double. */
function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9223372036854775807) return LONG_MAX;
  if (d <= -9223372036854775808) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

function numberFormat(text: string): EvaluationError {
  return new EvaluationError(`For input string: "${text}"`);
}

/** The parse of `text`, or Java's NumberFormatException when there is none. */
function parsed<T>(text: string, parse: (s: string) => T | undefined): T {
  const v = parse(text);
  if (v === undefined) throw numberFormat(text);
  return v;
}

const toInt = (text: string): number => parsed(text, parseJavaInt);
const toLong = (text: string): bigint => parsed(text, parseJavaLong);
const toDouble = (text: string): number => parsed(text, parseJavaDouble);
/** new BigDecimal(String). */
const toDecimal = (text: string): Decimal => partsToDecimal(parsed(text, parseDecimalParts));

/** The exact value of a double, as new BigDecimal(double) sees it (0.1 is 0.1000000000000000055…). */
function exactDecimal(d: number): Decimal {
  if (!Number.isFinite(d)) throw new EvaluationError('Infinite or NaN');
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) mantissa |= 1n << 52n;
  if (mantissa === 0n) return Decimal.ZERO;
  while (exp < 0 && (mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exp++;
  }
  const unscaled = exp >= 0 ? mantissa << BigInt(exp) : mantissa * 5n ** BigInt(-exp);
  return Decimal.of(bits >> 63n ? -unscaled : unscaled, Math.max(0, -exp));
}

function overflow(v: Decimal, precision: number, scale: number): EvaluationError {
  return new EvaluationError(
    `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute ` +
      `value less than 10^${precision - scale}. Got ${v.toString()}`,
  );
}

/** DecimalUtil.ensureMax: the integer digits must fit. */
function ensureMax(v: Decimal, precision: number, scale: number): void {
  if (v.abs().compare(Decimal.of(10n ** BigInt(precision - scale), 0)) >= 0) throw overflow(v, precision, scale);
}

/** HALF_UP to the scale; also refuses a value that rounding pushed past the precision (9.99 → 10.0). */
function rescale(v: Decimal, precision: number, scale: number): Decimal {
  const r = v.setScale(scale);
  if (r.unscaled !== 0n && r.precision() > precision) throw overflow(r, precision, scale);
  return r;
}

/** DecimalUtil.cast for a DECIMAL or a parsed string. */
function decimalToDecimal(v: Decimal, precision: number, scale: number): Decimal {
  if (v.scale === scale && v.precision() <= precision) return v;
  ensureMax(v, precision, scale);
  return rescale(v, precision, scale);
}

/** DecimalUtil.cast for INT and BIGINT. */
function longToDecimal(v: bigint, precision: number, scale: number): Decimal {
  const d = Decimal.fromBigInt(v);
  ensureMax(d, precision, scale);
  return d.setScale(scale);
}

/** DecimalUtil.cast for DOUBLE: the exact binary value rounded HALF_UP to `precision` digits, then to the scale. */
function doubleToDecimal(v: number, precision: number, scale: number): Decimal {
  let d = exactDecimal(v);
  const excess = d.precision() - precision;
  if (excess > 0) d = d.setScale(d.scale - excess);
  ensureMax(d, precision, scale);
  return rescale(d, precision, scale);
}

/** DecimalUtil.ensureFit (LAX coercion): fits only without rounding. */
function ensureFit(v: Decimal, precision: number, scale: number): Decimal {
  ensureMax(v, precision, scale);
  const r = v.setScale(scale);
  if (r.compare(v) !== 0) {
    throw new EvaluationError(`Cannot fit decimal '${v.toString()}' into DECIMAL(${precision}, ${scale}) without rounding.`);
  }
  return r;
}

// ---------------------------------------------------------------- strings

function temporal(parse: (s: string) => number): Convert {
  return (s: string) => {
    try {
      return parse(s.trim());
    } catch (e) {
      throw new EvaluationError((e as Error).message);
    }
  };
}

/** Base64 as java.util.Base64's basic decoder accepts it (padding optional). */
function toBytes(text: string): Buffer {
  const b = decodeBase64(text);
  if (b === undefined) throw new EvaluationError(`Illegal base64 text: '${text}'`);
  return b;
}

function toText(from: SqlType): Convert {
  switch (from.kind) {
    case 'STRING':
      return (v) => v;
    case 'DOUBLE':
      return javaDoubleToString;
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
      return String;
    default:
      return (v) => formatValue(v, from);
  }
}

// ---------------------------------------------------------------- CAST

function unsupported(from: SqlType, to: SqlType): Error {
  return new Error(`Cast of ${formatType(from)} to ${formatType(to)} is not supported`);
}

function converter(from: SqlType, to: SqlType): Convert {
  if (typesEqual(from, to)) return (v) => v;
  if (to.kind === 'STRING' && from.kind !== 'BYTES') return toText(from);
  switch (from.kind) {
    case 'INT':
      switch (to.kind) {
        case 'BIGINT':
          return BigInt;
        case 'DOUBLE':
          return (v) => v;
        case 'DECIMAL':
          return (v: number) => longToDecimal(BigInt(v), to.precision, to.scale);
        default:
          throw unsupported(from, to);
      }
    case 'BIGINT':
      switch (to.kind) {
        case 'INT':
          return (v: bigint) => Number(BigInt.asIntN(32, v));
        case 'DOUBLE':
          return Number;
        case 'DECIMAL':
          return (v: bigint) => longToDecimal(v, to.precision, to.scale);
        default:
          throw unsupported(from, to);
      }
    case 'DOUBLE':
      switch (to.kind) {
        case 'INT':
          return doubleToInt;
        case 'BIGINT':
          return doubleToLong;
        case 'DECIMAL':
          return (v: number) => doubleToDecimal(v, to.precision, to.scale);
        default:
          throw unsupported(from, to);
      }
    case 'DECIMAL':
      switch (to.kind) {
        // BigDecimal.intValue / longValue: truncate, then keep the low bits.
        case 'INT':
          return (v: Decimal) => Number(BigInt.asIntN(32, v.toBigInt()));
        case 'BIGINT':
          return (v: Decimal) => BigInt.asIntN(64, v.toBigInt());
        case 'DOUBLE':
          return (v: Decimal) => v.toNumber();
        case 'DECIMAL':
          return (v: Decimal) => decimalToDecimal(v, to.precision, to.scale);
        default:
          throw unsupported(from, to);
      }
    case 'STRING':
      switch (to.kind) {
        // SqlBooleans.parseBoolean: anything but a prefix of 'true' / 'yes' is false.
        case 'BOOLEAN':
          return (v: string) => parseBooleanExact(v.trim()) === true;
        case 'INT':
          return (v: string) => toInt(v.trim());
        case 'BIGINT':
          return (v: string) => toLong(v.trim());
        case 'DOUBLE':
          return (v: string) => toDouble(v.trim());
        case 'DECIMAL':
          return (v: string) => decimalToDecimal(toDecimal(v.trim()), to.precision, to.scale);
        case 'TIMESTAMP':
          return temporal(parseTimestamp);
        case 'DATE':
          return temporal(parseDate);
        case 'TIME':
          return temporal(parseTime);
        case 'BYTES':
          return (v: string) => toBytes(v.trim());
        default:
          throw unsupported(from, to);
      }
    case 'TIMESTAMP':
      if (to.kind === 'DATE') return timestampToDate;
      if (to.kind === 'TIME') return timestampToTime;
      throw unsupported(from, to);
    case 'DATE':
      if (to.kind === 'TIMESTAMP') return dateToTimestamp;
      throw unsupported(from, to);
    case 'ARRAY': {
      if (to.kind !== 'ARRAY') throw unsupported(from, to);
      const c = caster(from.element, to.element);
      return (v: readonly unknown[]) => v.map(c);
    }
    case 'MAP': {
      if (to.kind !== 'MAP') throw unsupported(from, to);
      const k = caster(from.key, to.key);
      const val = caster(from.value, to.value);
      return (v: ReadonlyMap<unknown, unknown>) => {
        const out = new Map<unknown, unknown>();
        for (const [key, value] of v) out.set(k(key), val(value));
        return out;
      };
    }
    case 'STRUCT': {
      if (to.kind !== 'STRUCT') throw unsupported(from, to);
      // Target fields take the source field of the same name, cast; the others are null.
      const fields = to.fields.map((f) => {
        const source = from.fields.find((x) => x.name === f.name);
        return { name: f.name, cast: source ? caster(source.type, f.type) : undefined };
      });
      return (v: Struct) => {
        const out: Struct = {};
        for (const f of fields) {
          const value = f.cast && Object.prototype.hasOwnProperty.call(v, f.name) ? f.cast(v[f.name]) : null;
          Object.defineProperty(out, f.name, { value, enumerable: true, writable: true, configurable: true });
        }
        return out;
      };
    }
    case 'BOOLEAN':
    case 'TIME':
    case 'BYTES':
      throw unsupported(from, to);
  }
}

// ---------------------------------------------------------------- INSERT VALUES

/**
 * ksqlDB's lenient coercion of an INSERT VALUES literal of type `from` into a column of type
 * `to`: numbers widen (a DECIMAL only without rounding), strings parse into numbers, booleans,
 * dates, times, timestamps and bytes, and scalars turn into strings. ARRAY, MAP and STRUCT
 * coerce element-wise. Anything else throws.
 */
export function coerceLiteralForInsert(value: unknown, from: SqlType | null, to: SqlType): unknown {
  if (value === null || value === undefined || from === null) return null;
  const fail = (): never => {
    throw new EvaluationError(`Cannot coerce ${formatType(from)} value ${String(value)} to ${formatType(to)}`);
  };
  if (typesEqual(from, to)) return to.kind === 'DECIMAL' ? ensureFit(value as Decimal, to.precision, to.scale) : value;
  switch (to.kind) {
    case 'STRING':
      switch (from.kind) {
        case 'BOOLEAN':
        case 'INT':
        case 'BIGINT':
        case 'DOUBLE':
          return toText(from)(value);
        case 'DECIMAL':
          return (value as Decimal).toString();
        case 'TIMESTAMP':
          return formatTimestamp(value as number);
        case 'TIME':
          return formatTime(value as number);
        case 'DATE':
          return formatDate(value as number);
        default:
          return fail();
      }
    case 'BIGINT':
      if (from.kind === 'INT') return BigInt(value as number);
      if (from.kind === 'STRING') return toLong((value as string).trim());
      return fail();
    case 'DOUBLE':
      if (from.kind === 'INT') return value;
      if (from.kind === 'BIGINT') return Number(value);
      if (from.kind === 'DECIMAL') return (value as Decimal).toNumber();
      if (from.kind === 'STRING') return toDouble((value as string).trim());
      return fail();
    case 'DECIMAL':
      if (from.kind === 'INT' || from.kind === 'BIGINT') {
        return ensureFit(Decimal.fromBigInt(BigInt(value as number | bigint)), to.precision, to.scale);
      }
      if (from.kind === 'DECIMAL') return ensureFit(value as Decimal, to.precision, to.scale);
      if (from.kind === 'STRING') return ensureFit(toDecimal((value as string).trim()), to.precision, to.scale);
      return fail();
    case 'INT':
      if (from.kind === 'STRING') return toInt((value as string).trim());
      return fail();
    case 'BOOLEAN': {
      if (from.kind !== 'STRING') return fail();
      const b = parseBooleanExact((value as string).trim());
      return b === undefined ? fail() : b;
    }
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
    case 'BYTES':
      return from.kind === 'STRING' ? converter(from, to)(value) : fail();
    case 'ARRAY':
      if (from.kind !== 'ARRAY') return fail();
      return (value as readonly unknown[]).map((v) => coerceLiteralForInsert(v, from.element, to.element));
    case 'MAP': {
      if (from.kind !== 'MAP') return fail();
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
        out.set(coerceLiteralForInsert(k, from.key, to.key), coerceLiteralForInsert(v, from.value, to.value));
      }
      return out;
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') return fail();
      const s = value as Struct;
      const out: Struct = {};
      for (const f of to.fields) {
        const source = from.fields.find((x) => x.name === f.name);
        const v = source && Object.prototype.hasOwnProperty.call(s, f.name) ? s[f.name] : null;
        Object.defineProperty(out, f.name, {
          value: source ? coerceLiteralForInsert(v, source.type, f.type) : null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

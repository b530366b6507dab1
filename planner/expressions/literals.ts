// How ksqlDB types literal text, and the lenient string parsing it applies to literals.

import { BIGINT, DOUBLE, INT, decimalType, type DecimalType, type SqlType } from '../types.js';
import { Decimal } from '../values/decimal.js';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export type NumericLiteral =
  | { readonly type: typeof INT; readonly value: number }
  | { readonly type: typeof BIGINT; readonly value: bigint }
  | { readonly type: DecimalType; readonly value: Decimal }
  | { readonly type: typeof DOUBLE; readonly value: number };

/** An integer literal (sign applied): INT when it fits 32 bits, else BIGINT; undefined beyond 64 bits. */
export function integerLiteral(digits: string, negative: boolean): NumericLiteral | undefined {
  const v = negative ? -BigInt(digits) : BigInt(digits);
  if (v >= INT_MIN && v <= INT_MAX) return { type: INT, value: Number(v) };
  if (v >= LONG_MIN && v <= LONG_MAX) return { type: BIGINT, value: v };
  return undefined;
}

/**
 * DecimalUtil.fromValue: the DECIMAL type of a literal value. BigDecimal's precision of 0.005 is 1,
 * less than its scale, so values strictly between -1 and 1 get precision scale + 1.
 */
export function decimalTypeOf(d: Decimal): DecimalType {
  const scale = Math.max(d.scale, 0);
  const unit = 10n ** BigInt(d.scale);
  const absUnscaled = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  if (absUnscaled < unit) return decimalType(scale + 1, scale);
  return decimalType(d.precision(), scale);
}

export function decimalLiteral(text: string, negative: boolean): NumericLiteral {
  const d = Decimal.parse(text);
  const value = negative ? d.neg() : d;
  return { type: decimalTypeOf(value), value };
}

/** A DOUBLE literal; undefined when it overflows to infinity. */
export function doubleLiteral(text: string, negative: boolean): NumericLiteral | undefined {
  const v = Number(text);
  if (!Number.isFinite(v)) return undefined;
  return { type: DOUBLE, value: negative ? -v : v };
}

/**
 * CoercionUtil.getStringNumericType: the numeric type a string literal such as '10' or '2e1'
 * stands for when it meets numbers in an IN list or a constructor. Whole numbers strictly inside
 * the INT (then BIGINT) range are INT (BIGINT); anything else, or anything written with a point or
 * an exponent, is a DECIMAL. Undefined when the text is not a number.
 */
export function stringNumericType(text: string): SqlType | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const d = Decimal.parse(trimmed);
  if (!/[.eE]/.test(text) && d.scale === 0) {
    if (d.unscaled > INT_MIN && d.unscaled < INT_MAX) return INT;
    if (d.unscaled > LONG_MIN && d.unscaled < LONG_MAX) return BIGINT;
  }
  return decimalTypeOf(d);
}

/**
 * SqlBooleans.parseBooleanExact: a case-insensitive prefix of 'true' / 'yes' is true, of
 * 'false' / 'no' is false; undefined for anything else (including '').
 */
export function parseBooleanExact(text: string): boolean | undefined {
  if (text === '') return undefined;
  const s = text.toLowerCase();
  const prefixOf = (word: string): boolean => s.length <= word.length && word.startsWith(s);
  if (prefixOf('true') || prefixOf('yes')) return true;
  if (prefixOf('false') || prefixOf('no')) return false;
  return undefined;
}

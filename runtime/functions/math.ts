// Mathematical functions. Return types follow ksqlDB exactly (ABS(INT) is INT, ROUND(DOUBLE)
// is BIGINT, ROUND(DECIMAL(p,s)) is DECIMAL(p-s,0)); BIGINT stays a bigint and DECIMAL a
// Decimal throughout, so no precision is lost on the way.

import type { CallTypes, FunctionDef, ParamType, ScalarOverload } from '../../planner/functions.js';
import { Decimal } from '../../planner/values/decimal.js';
import {
  BIGINT,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  decimalType,
  type DecimalType,
  type SqlType,
} from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import { ANY_DECIMAL, P, P_BIGINT, P_DOUBLE, P_INT } from './params.js';
import { compareValues } from './values.js';
import { widenDecimals } from '../../planner/expressions/type-rules.js';

type Rounding = 'HALF_UP' | 'HALF_DOWN' | 'FLOOR' | 'CEILING' | 'DOWN';

/** Drops `digits` decimal digits from an unscaled value with BigDecimal's rounding modes. */
function dropDigits(u: bigint, digits: number, mode: Rounding): bigint {
  const div = 10n ** BigInt(digits);
  const q = u / div; // truncates toward zero
  const r = u % div;
  if (r === 0n) return q;
  const neg = u < 0n;
  const twice = (neg ? -r : r) * 2n;
  switch (mode) {
    case 'DOWN':
      return q;
    case 'FLOOR':
      return neg ? q - 1n : q;
    case 'CEILING':
      return neg ? q : q + 1n;
    case 'HALF_UP':
      return twice >= div ? (neg ? q - 1n : q + 1n) : q;
    case 'HALF_DOWN':
      return twice > div ? (neg ? q - 1n : q + 1n) : q;
  }
}

/** Rounds to `places` fraction digits (negative rounds left of the point), keeping the original scale. */
function roundDecimal(d: Decimal, places: number, mode: Rounding): Decimal {
  if (places >= d.scale) return d;
  const rounded = dropDigits(d.unscaled, d.scale - places, mode);
  // Back to the original scale: ksqlDB keeps the declared type's scale (ksql#6235).
  return Decimal.of(rounded * 10n ** BigInt(d.scale - places), d.scale);
}

/** Rounds to an integral Decimal of scale 0. */
function roundToInteger(d: Decimal, mode: Rounding): Decimal {
  return d.scale <= 0 ? d.setScale(0) : Decimal.of(dropDigits(d.unscaled, d.scale, mode), 0);
}

/** java.lang.Math.round semantics: ties go up (toward +∞), so ROUND(-1.5) is -1. */
const halfTowardPositive = (d: Decimal): Rounding => (d.signum() > 0 ? 'HALF_UP' : 'HALF_DOWN');

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** (long) d in Java: NaN is 0, out-of-range values saturate. */
function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return LONG_MAX;
  if (d <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** BigDecimal.valueOf(d) rounding then doubleValue; non-finite doubles pass through. */
function roundDouble(d: number, places: number, mode: (x: Decimal) => Rounding): number {
  if (!Number.isFinite(d)) return d;
  const dec = Decimal.fromNumber(d);
  return roundDecimal(dec, places, mode(dec)).toNumber();
}

const decimalArg = (call: CallTypes): DecimalType => call.argTypes[0] as DecimalType;
const sameDecimal = (call: CallTypes): SqlType => decimalArg(call);
/** ksqlDB's type for ROUND/TRUNC(DECIMAL(p,s)): DECIMAL(p-s, 0). */
const integralDecimal = (call: CallTypes): SqlType => {
  const t = decimalArg(call);
  return decimalType(Math.max(1, t.precision - t.scale), 0);
};

/** A function of one DOUBLE; INT, BIGINT and DECIMAL arguments widen to it. */
function unaryDouble(name: string, description: string, f: (x: number) => number): FunctionDef {
  return scalar(name, Category.MATH, description, [strict([P_DOUBLE], DOUBLE, f)]);
}

function log(base: number, value: number): number {
  if (base <= 0 || base === 1 || value < 0) return NaN;
  return Math.log(value) / Math.log(base);
}

// ---------------------------------------------------------------- GREATEST / LEAST

/** One variadic overload per comparable type, as ksqlDB declares them; NULLs are ignored. */
function extremum(name: string, description: string, wantGreater: boolean): FunctionDef {
  const pick = (...xs: unknown[]) => {
    let best: unknown = null;
    for (const x of xs) {
      if (x === null) continue;
      const c = best === null ? 0 : compareValues(x, best);
      if (best === null || (wantGreater ? c > 0 : c < 0)) best = x;
    }
    return best;
  };
  const simple = (t: SqlType) => lenient([P(t), P(t)], t, pick, { variadic: true });
  const decimals: ScalarOverload = {
    params: [ANY_DECIMAL, ANY_DECIMAL],
    variadic: true,
    // NULL arguments have no DECIMAL type of their own and do not widen the result.
    returns: (call) =>
      (call.argTypes as SqlType[])
        .filter((t): t is DecimalType => t.kind === 'DECIMAL')
        .reduce((a, b) => widenDecimals(a, b)),
    // The result takes the widest scale among the arguments.
    make: (call) => {
      const scale = (call.returnType as DecimalType).scale;
      return (...xs: unknown[]) => {
        const r = pick(...xs) as Decimal | null;
        return r === null ? null : r.setScale(scale);
      };
    },
  };
  return scalar(name, Category.MATH, description, [
    simple(INT),
    simple(BIGINT),
    simple(DOUBLE),
    decimals,
    simple(STRING),
    simple(BYTES),
    simple(DATE),
    simple(TIME),
    simple(TIMESTAMP),
  ]);
}

// ---------------------------------------------------------------- the catalogue

const INT_ARG: ParamType[] = [P_INT];
const BIGINT_ARG: ParamType[] = [P_BIGINT];
const DOUBLE_ARG: ParamType[] = [P_DOUBLE];
const DECIMAL_ARG: ParamType[] = [ANY_DECIMAL];

export const mathFunctions: readonly FunctionDef[] = [
  scalar('ABS', Category.MATH, 'The absolute value of a number.', [
    strict(INT_ARG, INT, (x: number) => Math.abs(x) | 0),
    strict(BIGINT_ARG, BIGINT, (x: bigint) => (x < 0n ? -x : x)),
    strict(DOUBLE_ARG, DOUBLE, Math.abs),
    strict(DECIMAL_ARG, sameDecimal, (x: Decimal) => x.abs()),
  ]),
  scalar('CEIL', Category.MATH, 'The smallest integral value greater than or equal to a number.', [
    strict(INT_ARG, INT, (x: number) => x),
    strict(BIGINT_ARG, BIGINT, (x: bigint) => x),
    strict(DOUBLE_ARG, DOUBLE, Math.ceil),
    strict(DECIMAL_ARG, sameDecimal, (x: Decimal) => roundDecimal(x, 0, 'CEILING')),
  ]),
  scalar('FLOOR', Category.MATH, 'The largest integral value less than or equal to a number.', [
    strict(INT_ARG, INT, (x: number) => x),
    strict(BIGINT_ARG, BIGINT, (x: bigint) => x),
    strict(DOUBLE_ARG, DOUBLE, Math.floor),
    strict(DECIMAL_ARG, sameDecimal, (x: Decimal) => roundDecimal(x, 0, 'FLOOR')),
  ]),
  scalar(
    'ROUND',
    Category.MATH,
    'Rounds a number to the given number of decimal places (default 0; negative rounds left of the point). Ties round up, toward positive infinity.',
    [
      strict(INT_ARG, BIGINT, (x: number) => BigInt(x)),
      strict(BIGINT_ARG, BIGINT, (x: bigint) => x),
      strict(DOUBLE_ARG, BIGINT, (x: number) => doubleToLong(Math.round(x))),
      strict([P_DOUBLE, P_INT], DOUBLE, (x: number, places: number) => roundDouble(x, places, halfTowardPositive)),
      strict(DECIMAL_ARG, integralDecimal, (x: Decimal) => roundToInteger(x, halfTowardPositive(x))),
      strict([ANY_DECIMAL, P_INT], sameDecimal, (x: Decimal, places: number) => roundDecimal(x, places, halfTowardPositive(x))),
    ],
  ),
  scalar(
    'TRUNC',
    Category.MATH,
    'Truncates a number toward zero to the given number of decimal places (default 0; negative truncates left of the point).',
    [
      strict(INT_ARG, BIGINT, (x: number) => BigInt(x)),
      strict(BIGINT_ARG, BIGINT, (x: bigint) => x),
      strict(DOUBLE_ARG, BIGINT, doubleToLong),
      strict([P_DOUBLE, P_INT], DOUBLE, (x: number, places: number) => roundDouble(x, places, () => 'DOWN')),
      strict(DECIMAL_ARG, integralDecimal, (x: Decimal) => roundToInteger(x, 'DOWN')),
      strict([ANY_DECIMAL, P_INT], sameDecimal, (x: Decimal, places: number) => roundDecimal(x, places, 'DOWN')),
    ],
  ),
  scalar('SIGN', Category.MATH, 'The sign of a number: -1, 0 or 1.', [
    strict(INT_ARG, INT, (x: number) => Math.sign(x)),
    strict(BIGINT_ARG, INT, (x: bigint) => (x < 0n ? -1 : x > 0n ? 1 : 0)),
    strict(DOUBLE_ARG, INT, (x: number) => (Number.isNaN(x) ? 0 : Math.sign(x) | 0)),
    strict(DECIMAL_ARG, INT, (x: Decimal) => x.signum()),
  ]),
  unaryDouble('SQRT', 'The square root of a number.', Math.sqrt),
  unaryDouble('CBRT', 'The cube root of a number.', Math.cbrt),
  unaryDouble('EXP', 'e raised to the power of a number.', Math.exp),
  unaryDouble('LN', 'The natural logarithm of a number.', Math.log),
  // Despite the name, ksqlDB's one-argument LOG is the natural logarithm, like LN.
  scalar('LOG', Category.MATH, 'The natural logarithm of a number, or its logarithm in the given base: LOG(base, value).', [
    strict(DOUBLE_ARG, DOUBLE, Math.log),
    strict([P_DOUBLE, P_DOUBLE], DOUBLE, log),
  ]),
  scalar('POWER', Category.MATH, 'A base raised to an exponent.', [strict([P_DOUBLE, P_DOUBLE], DOUBLE, Math.pow)]),
  scalar('PI', Category.MATH, 'The constant π.', [lenient([], DOUBLE, () => Math.PI)]),
  scalar('RANDOM', Category.MATH, 'A random DOUBLE in [0, 1).', [lenient([], DOUBLE, () => Math.random())]),
  unaryDouble('DEGREES', 'Converts radians to degrees.', (x) => (x * 180) / Math.PI),
  unaryDouble('RADIANS', 'Converts degrees to radians.', (x) => (x / 180) * Math.PI),
  unaryDouble('SIN', 'The sine of an angle in radians.', Math.sin),
  unaryDouble('COS', 'The cosine of an angle in radians.', Math.cos),
  unaryDouble('TAN', 'The tangent of an angle in radians.', Math.tan),
  unaryDouble('COT', 'The cotangent of an angle in radians.', (x) => 1 / Math.tan(x)),
  unaryDouble('ASIN', 'The arc sine of a number, in radians.', Math.asin),
  unaryDouble('ACOS', 'The arc cosine of a number, in radians.', Math.acos),
  unaryDouble('ATAN', 'The arc tangent of a number, in radians.', Math.atan),
  scalar('ATAN2', Category.MATH, 'The angle, in radians, of the point (x, y): ATAN2(y, x).', [
    strict([P_DOUBLE, P_DOUBLE], DOUBLE, Math.atan2),
  ]),
  unaryDouble('SINH', 'The hyperbolic sine of a number.', Math.sinh),
  unaryDouble('COSH', 'The hyperbolic cosine of a number.', Math.cosh),
  unaryDouble('TANH', 'The hyperbolic tangent of a number.', Math.tanh),
  extremum('GREATEST', 'The greatest of the non-NULL arguments, or NULL when all are NULL.', true),
  extremum('LEAST', 'The least of the non-NULL arguments, or NULL when all are NULL.', false),
];

// DECIMAL arithmetic as ksqlDB generates it: `a.op(b, new MathContext(p, UNNECESSARY))
// .setScale(s)` with (p, s) the result type. Nothing is ever rounded: a result that needs
// rounding to fit its scale (10 / 3) is an error, as is one wider than its precision.

import { Decimal } from '../../planner/values/decimal.js';
import { EvaluationError } from './errors.js';

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** `v` at exactly `scale`, or an error when that would drop non-zero digits or exceed `precision`. */
function fit(v: Decimal, precision: number, scale: number): Decimal {
  let r: Decimal;
  if (v.scale <= scale) r = v.setScale(scale);
  else {
    const unit = pow10(v.scale - scale);
    if (v.unscaled % unit !== 0n) throw new EvaluationError('Rounding necessary');
    r = Decimal.of(v.unscaled / unit, scale);
  }
  if (r.unscaled !== 0n && r.precision() > precision) {
    throw new EvaluationError(
      `Numeric field overflow: ${r.toString()} does not fit DECIMAL(${precision}, ${scale})`,
    );
  }
  return r;
}

export function decimalAdd(a: Decimal, b: Decimal, precision: number, scale: number): Decimal {
  return fit(a.add(b), precision, scale);
}
export function decimalSub(a: Decimal, b: Decimal, precision: number, scale: number): Decimal {
  return fit(a.sub(b), precision, scale);
}
export function decimalMul(a: Decimal, b: Decimal, precision: number, scale: number): Decimal {
  return fit(a.mul(b), precision, scale);
}

export function decimalDiv(a: Decimal, b: Decimal, precision: number, scale: number): Decimal {
  if (b.unscaled === 0n) throw new EvaluationError(a.unscaled === 0n ? 'Division undefined' : 'Division by zero');
  // a / b = (ua·10^-sa) / (ub·10^-sb); at `scale` the unscaled quotient is ua·10^(scale-sa+sb) / ub.
  const shift = scale - a.scale + b.scale;
  const num = shift >= 0 ? a.unscaled * pow10(shift) : a.unscaled;
  const den = shift >= 0 ? b.unscaled : b.unscaled * pow10(-shift);
  if (num % den !== 0n) throw new EvaluationError('Rounding necessary');
  return fit(Decimal.of(num / den, scale), precision, scale);
}

export function decimalRem(a: Decimal, b: Decimal, precision: number, scale: number): Decimal {
  if (b.unscaled === 0n) throw new EvaluationError(a.unscaled === 0n ? 'Division undefined' : 'Division by zero');
  return fit(a.rem(b), precision, scale);
}

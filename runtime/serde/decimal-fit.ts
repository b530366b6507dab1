// ksqlDB's DecimalUtil.ensureFit, compiled per DECIMAL(p, s) column: a value read from a record
// must be below 10^(p-s) in magnitude and must take scale s without rounding. The result
// always carries the column's scale, so `.12` read as DECIMAL(4, 2) becomes 0.12.

import { Decimal } from '../../planner/values/decimal.js';
import { SerdeError } from './serde.js';

export type DecimalFitter = (d: Decimal) => Decimal;

/**
 * The fitter for doubles that came from JSON number text of at most 15 significant digits.
 * The common case takes no string round trip: when round(v·10^s)/10^s gives v back, v was
 * a decimal with at most s fraction digits (distinct such decimals are distinct doubles),
 * and that rounded integer is its exact unscaled value.
 */
export function decimalNumberFitter(precision: number, scale: number): (v: number) => Decimal {
  const fit = decimalFitter(precision, scale);
  const factor = 10 ** scale;
  const limit = 10 ** precision;
  const cheap = precision <= 15;
  return (v) => {
    if (cheap) {
      const u = Math.round(v * factor);
      if (u / factor === v && u < limit && u > -limit) return Decimal.of(BigInt(u), scale);
    }
    return fit(Decimal.fromNumber(v));
  };
}

export function decimalFitter(precision: number, scale: number): DecimalFitter {
  const integerDigits = precision - scale;
  // |unscaled| must stay below 10^(integerDigits + value scale); cache the common value scales.
  const limits: bigint[] = [];
  const limitFor = (valueScale: number): bigint =>
    (limits[valueScale] ??= 10n ** BigInt(integerDigits + valueScale));
  const pow10: bigint[] = [];
  const powFor = (n: number): bigint => (pow10[n] ??= 10n ** BigInt(n));

  return (d) => {
    const abs = d.unscaled < 0n ? -d.unscaled : d.unscaled;
    if (abs >= limitFor(d.scale)) {
      throw new SerdeError(
        `Numeric field overflow: A field with precision ${precision} and scale ${scale} ` +
          `must round to an absolute value less than 10^${integerDigits}. Got ${d.toString()}`,
      );
    }
    if (d.scale === scale) return d;
    if (d.scale < scale) return Decimal.of(d.unscaled * powFor(scale - d.scale), scale);
    const factor = powFor(d.scale - scale);
    if (d.unscaled % factor !== 0n) {
      throw new SerdeError(
        `Cannot fit decimal '${d.toString()}' into DECIMAL(${precision}, ${scale}) without rounding. ` +
          `(Requires ${d.precision()},${d.scale})`,
      );
    }
    return Decimal.of(d.unscaled / factor, scale);
  };
}

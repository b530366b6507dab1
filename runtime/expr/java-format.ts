// Java's text for numbers, which ksqlDB shows wherever a DOUBLE or DECIMAL becomes a string.

import type { Decimal } from '../../planner/values/decimal.js';

/**
 * Double.toString: the shortest digits that round-trip (which is what JavaScript computes too),
 * laid out the Java way: plain with at least one fraction digit for 10^-3 <= |d| < 10^7
 * (`100.0`, `0.001`), otherwise computerized scientific notation (`1.0E7`, `1.0E-4`).
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const [mantissa, exponent] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  if (digits.length === 1) {
    // Java always prints two digits here and, when one digit would do, picks the two-digit
    // decimal closest to the double: Double.MIN_VALUE is 4.9E-324, not 5.0E-324.
    const [m2, e2] = Math.abs(d).toExponential(1).split('e') as [string, string];
    if (Number(`${m2}e${e2}`) === abs) return `${sign}${m2}E${Number(e2)}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/**
 * BigDecimal.toString: plain notation unless the adjusted exponent is below -6, where Java
 * switches to scientific notation (`1E-7`, `1.23E-8`). ksqlDB shows DECIMALs nested in arrays,
 * maps and structs this way; a DECIMAL cast on its own uses toPlainString (Decimal.toString).
 */
export function javaBigDecimalToString(d: Decimal): string {
  const neg = d.unscaled < 0n;
  const digits = (neg ? -d.unscaled : d.unscaled).toString();
  const adjusted = digits.length - 1 - d.scale;
  if (d.scale >= 0 && adjusted >= -6) return d.toString();
  const coefficient = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg ? '-' : ''}${coefficient}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

// Java's text forms of values. ksqlDB is written in Java, so wherever it turns a value into
// text with toString() (ARRAY_JOIN, TO_JSON_STRING's doubles, CAST(DOUBLE AS STRING)) the
// output follows Java's rules, which differ from JavaScript's: 1.0 not 1, 1.0E10 not 1e10.

import { Decimal } from '../../planner/values/decimal.js';

/** Double.toString: plain for 1e-3 <= |d| < 1e7, else computerised scientific (`1.0E-5`). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const abs = Math.abs(d);
  // toExponential() yields the shortest digits that round-trip, like Java's algorithm.
  const [mant, expText] = abs.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  let out: string;
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      out = `${intPart}.${frac === '' ? '0' : frac}`;
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
  }
  return neg ? '-' + out : out;
}

/**
 * String.valueOf for a runtime value whose SQL type is not at hand: booleans, integers, doubles
 * (by Java's rules; INT values are integral and print without a fraction), decimals, strings,
 * and Java's collection forms `[a, b]`, `{k=v}`, `Struct{f=v}`.
 */
export function javaToString(v: unknown, isDouble = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return isDouble ? javaDoubleToString(v) : String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return `[${v.map((e) => javaToString(e)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, e]) => `${javaToString(k)}=${javaToString(e)}`).join(', ')}}`;
  if (typeof v === 'object') {
    return `Struct{${Object.entries(v as Record<string, unknown>)
      .filter(([, e]) => e !== null && e !== undefined)
      .map(([k, e]) => `${k}=${javaToString(e)}`)
      .join(',')}}`;
  }
  return String(v);
}

// Numbers and bytes as text, the way the JVM reads and writes them. ksqlDB leans on
// Integer.parseInt, Double.parseDouble, Double.toString, new BigDecimal(String),
// BigDecimal.toString and java.util.Base64 in its serdes, its CASTs and its functions, and
// Java's rules differ from JavaScript's (1.0 not 1, 1.0E10 not 1e10), so matching them here is
// what makes our text and bytes match ksqlDB's. The typer, the runtime and the serdes share it.

import { Decimal } from './decimal.js';

const INTEGER_TEXT = /^[+-]?\d+$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Integer.parseInt: optional sign, digits only, in int32 range; otherwise undefined. */
export function parseJavaInt(s: string): number | undefined {
  if (!INTEGER_TEXT.test(s)) return undefined;
  const n = Number(s);
  if (n < INT_MIN || n > INT_MAX) return undefined;
  return n === 0 ? 0 : n; // "-0" is 0 in Java, never -0
}

/** Long.parseLong: optional sign, digits only, in int64 range; otherwise undefined. */
export function parseJavaLong(s: string): bigint | undefined {
  if (!INTEGER_TEXT.test(s)) return undefined;
  const n = BigInt(s);
  return n < LONG_MIN || n > LONG_MAX ? undefined : n;
}

// Double.parseDouble without hexadecimal floats: Java trims ASCII control chars and spaces,
// and accepts NaN, Infinity and a trailing type suffix (1.5d, 2f).
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;

export function parseJavaDouble(s: string): number | undefined {
  const t = javaTrim(s);
  if (!DOUBLE_TEXT.test(t)) return undefined;
  const last = t.charCodeAt(t.length - 1);
  // 'd' 'D' 'f' 'F': NaN and Infinity end in 'N' and 'y', so no clash.
  const body = last === 0x64 || last === 0x44 || last === 0x66 || last === 0x46 ? t.slice(0, -1) : t;
  return Number(body);
}

/** String.trim: drops ASCII control characters and spaces, nothing else. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

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
 * A decimal as BigDecimal holds it: unscaled × 10^-scale, where scale may be negative
 * (`1E+3` is unscaled 1, scale -3). Decimal normalises negative scales away, but
 * BigDecimal.toString needs them.
 */
export interface DecimalParts {
  readonly unscaled: bigint;
  readonly scale: number;
}

// new BigDecimal(String): sign, digits with an optional point, optional exponent; no spaces.
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// Beyond this the value cannot fit any DECIMAL(p ≤ 38 or so), and 10^exponent would be huge.
const MAX_EXPONENT = 10_000;

/** Parses BigDecimal text exactly; undefined when it is not a number or absurdly scaled. */
export function parseDecimalParts(text: string): DecimalParts | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const int = m[2]!;
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!(Math.abs(exp) <= MAX_EXPONENT)) return undefined;
  const digits = BigInt(int + frac);
  return { unscaled: m[1] === '-' ? -digits : digits, scale: frac.length - exp };
}

export function partsToDecimal(p: DecimalParts): Decimal {
  return p.scale >= 0 ? Decimal.of(p.unscaled, p.scale) : Decimal.of(p.unscaled * 10n ** BigInt(-p.scale), 0);
}

/** The integer part, truncated toward zero (BigDecimal.toBigInteger). */
export function partsToBigInt(p: DecimalParts): bigint {
  if (p.scale <= 0) return p.scale === 0 ? p.unscaled : p.unscaled * 10n ** BigInt(-p.scale);
  return p.scale > p.unscaled.toString().length ? 0n : p.unscaled / 10n ** BigInt(p.scale);
}

/**
 * BigDecimal.toString: plain when scale ≥ 0 and the exponent ≥ -6, else scientific (`1E+3`,
 * `1.23E-8`). ksqlDB shows DECIMALs nested in arrays, maps and structs this way; a DECIMAL on
 * its own is printed with toPlainString (Decimal.toString). A Decimal is DecimalParts.
 */
export function javaBigDecimalToString(p: DecimalParts): string {
  const neg = p.unscaled < 0n;
  const coeff = (neg ? -p.unscaled : p.unscaled).toString();
  const sign = neg ? '-' : '';
  if (p.scale === 0) return sign + coeff;
  const adjusted = -p.scale + (coeff.length - 1);
  if (p.scale > 0 && adjusted >= -6) {
    const point = coeff.length - p.scale;
    return point > 0
      ? sign + coeff.slice(0, point) + '.' + coeff.slice(point)
      : sign + '0.' + '0'.repeat(-point) + coeff;
  }
  const mantissa = coeff.length > 1 ? coeff[0] + '.' + coeff.slice(1) : coeff;
  return sign + mantissa + (adjusted === 0 ? '' : 'E' + (adjusted > 0 ? '+' : '') + adjusted);
}

// java.util.Base64's basic decoder: the standard alphabet, padding optional but not misplaced.
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 strictly (unlike Buffer.from, which skips junk); undefined when invalid. */
export function decodeBase64(s: string): Buffer | undefined {
  if (!BASE64_TEXT.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const dataLen = s.length - pad;
  // A lone trailing sextet cannot encode a byte; padding must complete a quantum.
  if (dataLen % 4 === 1 || (pad > 0 && s.length % 4 !== 0)) return undefined;
  return Buffer.from(s, 'base64');
}

export function encodeBase64(b: Uint8Array): string {
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('base64');
}

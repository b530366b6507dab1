// An exact decimal: an unscaled bigint and a scale, like Java's BigDecimal, which is what
// ksqlDB computes with. value = unscaled × 10^-scale. Immutable.
//
// We hand-roll this rather than use decimal.js because ksqlDB's semantics are defined in
// terms of (precision, scale) pairs and HALF_UP rescaling, which map directly onto a
// bigint + scale and not onto a significant-digits model.

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

/** Divide rounding half away from zero (Java's RoundingMode.HALF_UP). */
function divHalfUp(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    a = -a;
    b = -b;
  }
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

export class Decimal {
  private constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  static of(unscaled: bigint, scale: number): Decimal {
    return new Decimal(unscaled, scale);
  }

  static readonly ZERO = new Decimal(0n, 0);

  /** Parses `-12.340`, `1e3`, `.5`. Keeps the written scale (`1.10` has scale 2). */
  static parse(text: string): Decimal {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new RangeError(`not a decimal: '${text}'`);
    }
    const frac = m[3] ?? '';
    let unscaled = BigInt((m[2] || '0') + frac);
    let scale = frac.length - (m[4] ? parseInt(m[4], 10) : 0);
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(m[1] === '-' ? -unscaled : unscaled, scale);
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  /** Exact for integers; for fractional doubles uses the shortest round-trip text, like BigDecimal.valueOf. */
  static fromNumber(v: number): Decimal {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return new Decimal(BigInt(v), 0);
    return Decimal.parse(String(v));
  }

  /** Number of significant digits in the unscaled value (at least 1), as BigDecimal.precision(). */
  precision(): number {
    const u = this.unscaled < 0n ? -this.unscaled : this.unscaled;
    return u === 0n ? 1 : u.toString().length;
  }

  signum(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** Rescale with HALF_UP rounding. */
  setScale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return new Decimal(divHalfUp(this.unscaled, pow10(this.scale - scale)), scale);
  }

  /** True when the value fits DECIMAL(precision, scale) after rescaling to `scale`. */
  fits(precision: number, scale: number): boolean {
    const r = this.setScale(scale);
    return r.precision() <= precision || r.unscaled === 0n;
  }

  private aligned(o: Decimal): [bigint, bigint, number] {
    if (this.scale === o.scale) return [this.unscaled, o.unscaled, this.scale];
    if (this.scale > o.scale) return [this.unscaled, o.unscaled * pow10(this.scale - o.scale), this.scale];
    return [this.unscaled * pow10(o.scale - this.scale), o.unscaled, o.scale];
  }

  add(o: Decimal): Decimal {
    const [a, b, s] = this.aligned(o);
    return new Decimal(a + b, s);
  }
  sub(o: Decimal): Decimal {
    const [a, b, s] = this.aligned(o);
    return new Decimal(a - b, s);
  }
  mul(o: Decimal): Decimal {
    return new Decimal(this.unscaled * o.unscaled, this.scale + o.scale);
  }
  /** Division to the given result scale, HALF_UP. Throws RangeError on division by zero. */
  div(o: Decimal, scale: number): Decimal {
    if (o.unscaled === 0n) throw new RangeError('Division by zero');
    // this / o = (a·10^-s1) / (b·10^-s2); want q·10^-scale → q = a·10^(scale - s1 + s2) / b
    const shift = scale - this.scale + o.scale;
    const num = shift >= 0 ? this.unscaled * pow10(shift) : this.unscaled;
    const den = shift >= 0 ? o.unscaled : o.unscaled * pow10(-shift);
    return new Decimal(divHalfUp(num, den), scale);
  }
  /** Remainder with the sign of the dividend, as BigDecimal.remainder. */
  rem(o: Decimal): Decimal {
    if (o.unscaled === 0n) throw new RangeError('Division by zero');
    const [a, b, s] = this.aligned(o);
    return new Decimal(a % b, s);
  }
  neg(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }
  abs(): Decimal {
    return this.unscaled < 0n ? this.neg() : this;
  }
  compare(o: Decimal): number {
    const [a, b] = this.aligned(o);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  /** Numeric equality, ignoring scale (1.0 = 1.00), as SQL comparison does. */
  equals(o: Decimal): boolean {
    return this.compare(o) === 0;
  }

  toNumber(): number {
    return Number(this.toString());
  }
  /** Truncates toward zero, like BigDecimal.longValue() within range. */
  toBigInt(): bigint {
    return this.scale === 0 ? this.unscaled : this.unscaled / pow10(this.scale);
  }

  /** Plain notation with exactly `scale` fraction digits: `-0.50`, `12`, `1.10`. */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-this.scale);
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
  }

  toJSON(): string {
    return this.toString();
  }
}

export function isDecimal(v: unknown): v is Decimal {
  return v instanceof Decimal;
}

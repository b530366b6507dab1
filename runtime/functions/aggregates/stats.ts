// Statistical aggregates. STDDEV uses the Youngs-Cramer update that ksqlDB uses, so that
// adding, retracting (table aggregation) and merging (session windows) give its numbers.

import type { AggregateFunction, AggregateImpl } from '../../../planner/functions.js';
import { BIGINT, DOUBLE, INT, structType } from '../../../planner/types.js';
import { P } from '../params.js';
import { aggregate } from './define.js';

/**
 * The running SUM and the Youngs-Cramer delta in the argument's own Java arithmetic, as
 * ksqlDB's UDAFs keep them: INT wraps at 32 bits and BIGINT at 64, DOUBLE is IEEE.
 */
interface Domain {
  readonly zero: unknown;
  add(sum: unknown, x: unknown): unknown;
  sub(sum: unknown, x: unknown): unknown;
  /** `x * (count + 1) - (sum + x)`, computed in the domain and then widened to a double. */
  delta(x: unknown, count: number, sum: unknown): number;
  /** `sum / count`: Java's integer division when `integral` and the domain is INT or BIGINT. */
  mean(sum: unknown, count: number, integral: boolean): number;
  toState(sum: unknown): unknown;
  fromState(state: unknown): unknown;
}

const INT_DOMAIN: Domain = {
  zero: 0,
  add: (s, x) => ((s as number) + (x as number)) | 0,
  sub: (s, x) => ((s as number) - (x as number)) | 0,
  delta: (x, count, s) => (Math.imul(x as number, count + 1) - (((s as number) + (x as number)) | 0)) | 0,
  mean: (s, count, integral) => (integral ? ((s as number) / count) | 0 : (s as number) / count),
  toState: (s) => s,
  fromState: (s) => s,
};

const BIGINT_DOMAIN: Domain = {
  zero: 0n,
  add: (s, x) => BigInt.asIntN(64, (s as bigint) + (x as bigint)),
  sub: (s, x) => BigInt.asIntN(64, (s as bigint) - (x as bigint)),
  delta: (x, count, s) => {
    const sum = BigInt.asIntN(64, (s as bigint) + (x as bigint));
    return Number(BigInt.asIntN(64, BigInt.asIntN(64, (x as bigint) * BigInt(count + 1)) - sum));
  },
  mean: (s, count, integral) => (integral ? Number((s as bigint) / BigInt(count)) : Number(s) / count),
  toState: (s) => String(s),
  fromState: (s) => BigInt(s as string),
};

const DOUBLE_DOMAIN: Domain = {
  zero: 0,
  add: (s, x) => (s as number) + (x as number),
  sub: (s, x) => (s as number) - (x as number),
  delta: (x, count, s) => (x as number) * (count + 1) - ((s as number) + (x as number)),
  mean: (s, count) => (s as number) / count,
  toState: (s) => s,
  fromState: (s) => s,
};

interface Moments {
  count: number;
  sum: unknown;
  m2: number;
}

/**
 * How ksqlDB turns the moments into the result. STDDEV_SAMP (the older of ksqlDB's two sample
 * UDAFs) returns the sample variance, not its square root, and averages with integer division
 * when merging INT or BIGINT sessions; STDDEV_SAMPLE is the true sample standard deviation.
 */
type Variant = 'SAMP' | 'SAMPLE' | 'POP';

function stddevImpl(domain: Domain, variant: Variant): AggregateImpl {
  return {
    init: (): Moments => ({ count: 0, sum: domain.zero, m2: 0 }),
    add: (acc, v) => {
      const a = acc as Moments;
      if (v === null) return a;
      if (a.count > 0) {
        const delta = domain.delta(v, a.count, a.sum);
        a.m2 += (delta * delta) / ((a.count + 1) * a.count);
      }
      a.count += 1;
      a.sum = domain.add(a.sum, v);
      return a;
    },
    undo: (acc, v) => {
      const a = acc as Moments;
      if (v === null) return a;
      const n = a.count - 1;
      if (n > 0) {
        const delta = domain.delta(v, a.count, a.sum);
        a.m2 -= (delta * delta) / (n * (n + 1));
      } else {
        a.m2 = 0;
      }
      a.count = n;
      a.sum = domain.sub(a.sum, v);
      return a;
    },
    merge: (p, q) => {
      const a = p as Moments;
      const b = q as Moments;
      const count = a.count + b.count;
      let m2 = a.m2 + b.m2;
      if (a.count > 0 && b.count > 0) {
        const integral = variant === 'SAMP';
        const inner = domain.mean(a.sum, a.count, integral) - domain.mean(b.sum, b.count, integral);
        m2 += (a.count * b.count * inner * inner) / count;
      }
      return { count, sum: domain.add(a.sum, b.sum), m2 };
    },
    result: (acc) => {
      const a = acc as Moments;
      switch (variant) {
        case 'SAMP':
          return a.count < 2 ? 0 : a.m2 / (a.count - 1);
        case 'SAMPLE':
          return a.count < 2 ? 0 : Math.sqrt(a.m2 / (a.count - 1));
        case 'POP':
          return a.count === 0 ? 0 : Math.sqrt(a.m2 / a.count);
      }
    },
    toState: (acc) => {
      const a = acc as Moments;
      return { count: a.count, sum: domain.toState(a.sum), m2: a.m2 };
    },
    fromState: (s) => {
      const st = s as Moments;
      return { count: st.count, sum: domain.fromState(st.sum), m2: st.m2 };
    },
  };
}

interface Co {
  n: number;
  sx: number;
  sy: number;
  sxy: number;
  sxx: number;
  syy: number;
}

/** Pearson's correlation coefficient over the rows where both values are non-NULL. */
function correlationImpl(): AggregateImpl {
  const step = (acc: unknown, xv: unknown, yv: unknown, sign: 1 | -1) => {
    const a = acc as Co;
    if (xv === null || yv === null || xv === undefined || yv === undefined) return a;
    const x = xv as number;
    const y = yv as number;
    a.n += sign;
    a.sx += sign * x;
    a.sy += sign * y;
    a.sxy += sign * x * y;
    a.sxx += sign * x * x;
    a.syy += sign * y * y;
    return a;
  };
  return {
    init: (): Co => ({ n: 0, sx: 0, sy: 0, sxy: 0, sxx: 0, syy: 0 }),
    add: (acc, x, y) => step(acc, x, y, 1),
    undo: (acc, x, y) => step(acc, x, y, -1),
    merge: (p, q) => {
      const a = p as Co;
      const b = q as Co;
      return { n: a.n + b.n, sx: a.sx + b.sx, sy: a.sy + b.sy, sxy: a.sxy + b.sxy, sxx: a.sxx + b.sxx, syy: a.syy + b.syy };
    },
    result: (acc) => {
      const a = acc as Co;
      const cov = a.sxy - (a.sx * a.sy) / a.n;
      const vx = a.sxx - (a.sx * a.sx) / a.n;
      const vy = a.syy - (a.sy * a.sy) / a.n;
      return cov / Math.sqrt(vx * vy);
    },
    toState: (acc) => ({ ...(acc as Co) }),
    fromState: (s) => ({ ...(s as Co) }),
  };
}

// ksqlDB's accumulators for these are STRUCTs (see AggregateOverload.intermediate).
const STDDEV_STATE = structType([
  { name: 'SUM', type: DOUBLE },
  { name: 'COUNT', type: BIGINT },
  { name: 'M2', type: DOUBLE },
]);
const CORRELATION_STATE = structType(
  ['X_SUM', 'Y_SUM', 'X_SQUARED_SUM', 'Y_SQUARED_SUM', 'XY_SUM'].map((name) => ({ name, type: DOUBLE })).concat([{ name: 'COUNT', type: BIGINT }]),
);

// INT, BIGINT and DOUBLE, as in ksqlDB: a DECIMAL argument widens to DOUBLE.
const stddev = (name: string, description: string, variant: Variant) =>
  aggregate(
    name,
    description,
    ([
      [INT, INT_DOMAIN],
      [BIGINT, BIGINT_DOMAIN],
      [DOUBLE, DOUBLE_DOMAIN],
    ] as const).map(([t, domain]) => ({ params: [P(t)], returns: DOUBLE, intermediate: STDDEV_STATE, make: () => stddevImpl(domain, variant) })),
  );

export const statsAggregates: readonly AggregateFunction[] = [
  stddev(
    'STDDEV_SAMP',
    'The sample variance of the non-NULL values of a group (0 for fewer than two): ksqlDB\'s STDDEV_SAMP takes no square root.',
    'SAMP',
  ),
  stddev('STDDEV_SAMPLE', 'The sample standard deviation of the non-NULL values of a group (0 for fewer than two).', 'SAMPLE'),
  stddev('STDDEV_POP', 'The population standard deviation of the non-NULL values of a group.', 'POP'),
  aggregate(
    'CORRELATION',
    'Pearson correlation coefficient of two columns over the rows where both are non-NULL (NaN for fewer than two).',
    [{ params: [P(DOUBLE), P(DOUBLE)], returns: DOUBLE, intermediate: CORRELATION_STATE, make: () => correlationImpl() }],
  ),
];

// Statistical aggregates. STDDEV uses the Youngs-Cramer update that ksqlDB uses, so that
// adding, retracting (table aggregation) and merging (session windows) give its numbers.

import type { AggregateFunction, AggregateImpl } from '../../../planner/functions.js';
import { Decimal } from '../../../planner/values/decimal.js';
import { BIGINT, DOUBLE, INT } from '../../../planner/types.js';
import { ANY_DECIMAL, P } from '../params.js';
import { aggregate } from './define.js';

const NUMERIC_PARAMS = [P(INT), P(BIGINT), P(DOUBLE), ANY_DECIMAL];

/** Any numeric runtime value as a double. */
function num(x: unknown): number {
  return typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : (x as Decimal).toNumber();
}

interface Moments {
  count: number;
  sum: number;
  m2: number;
}

function stddevImpl(population: boolean): AggregateImpl {
  return {
    init: (): Moments => ({ count: 0, sum: 0, m2: 0 }),
    add: (acc, v) => {
      const a = acc as Moments;
      if (v === null) return a;
      const x = num(v);
      const n = a.count + 1;
      if (n > 1) {
        const delta = x * n - (a.sum + x);
        a.m2 += (delta * delta) / (n * (n - 1));
      }
      a.count = n;
      a.sum += x;
      return a;
    },
    undo: (acc, v) => {
      const a = acc as Moments;
      if (v === null) return a;
      const x = num(v);
      const n = a.count - 1;
      if (n > 0) {
        const delta = x * (n + 1) - a.sum;
        a.m2 -= (delta * delta) / (n * (n + 1));
      } else {
        a.m2 = 0;
      }
      a.count = n;
      a.sum -= x;
      return a;
    },
    merge: (p, q) => {
      const a = p as Moments;
      const b = q as Moments;
      const count = a.count + b.count;
      let m2 = a.m2 + b.m2;
      if (a.count > 0 && b.count > 0) {
        const inner = a.sum / a.count - b.sum / b.count;
        m2 += (a.count * b.count * inner * inner) / count;
      }
      return { count, sum: a.sum + b.sum, m2 };
    },
    result: (acc) => {
      const a = acc as Moments;
      if (population) return a.count === 0 ? 0 : Math.sqrt(a.m2 / a.count);
      return a.count < 2 ? 0 : Math.sqrt(a.m2 / (a.count - 1));
    },
    toState: (acc) => ({ ...(acc as Moments) }),
    fromState: (s) => ({ ...(s as Moments) }),
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
    const x = num(xv);
    const y = num(yv);
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

const stddev = (name: string, description: string, population: boolean) =>
  aggregate(
    name,
    description,
    NUMERIC_PARAMS.map((p) => ({ params: [p], returns: DOUBLE, make: () => stddevImpl(population) })),
  );

export const statsAggregates: readonly AggregateFunction[] = [
  stddev('STDDEV_SAMP', 'The sample standard deviation of the non-NULL values of a group (0 for fewer than two).', false),
  stddev('STDDEV_SAMPLE', 'The sample standard deviation of the non-NULL values of a group (synonym of STDDEV_SAMP).', false),
  stddev('STDDEV_POP', 'The population standard deviation of the non-NULL values of a group.', true),
  aggregate(
    'CORRELATION',
    'Pearson correlation coefficient of two columns over the rows where both are non-NULL (NaN for fewer than two).',
    [{ params: [P(DOUBLE), P(DOUBLE)], returns: DOUBLE, make: () => correlationImpl() }],
  ),
];

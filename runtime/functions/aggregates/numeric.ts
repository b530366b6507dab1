// Exact running arithmetic for SUM and AVG: INT wraps at 32 bits and BIGINT at 64, as Java's
// int and long do; DECIMAL stays exact and fails when the sum outgrows its declared precision.

import { Decimal } from '../../../planner/values/decimal.js';
import type { SqlType } from '../../../planner/types.js';

export interface NumericOps {
  readonly zero: unknown;
  add(a: unknown, b: unknown): unknown;
  sub(a: unknown, b: unknown): unknown;
  toNumber(a: unknown): number;
}

export function numericOps(t: SqlType): NumericOps {
  switch (t.kind) {
    case 'INT':
      return {
        zero: 0,
        add: (a, b) => ((a as number) + (b as number)) | 0,
        sub: (a, b) => ((a as number) - (b as number)) | 0,
        toNumber: (a) => a as number,
      };
    case 'BIGINT':
      return {
        zero: 0n,
        add: (a, b) => BigInt.asIntN(64, (a as bigint) + (b as bigint)),
        sub: (a, b) => BigInt.asIntN(64, (a as bigint) - (b as bigint)),
        toNumber: (a) => Number(a),
      };
    case 'DOUBLE':
      return {
        zero: 0,
        add: (a, b) => (a as number) + (b as number),
        sub: (a, b) => (a as number) - (b as number),
        toNumber: (a) => a as number,
      };
    case 'DECIMAL': {
      const check = (d: Decimal) => {
        if (!d.fits(t.precision, t.scale)) throw new RangeError('Numeric field overflow');
        return d.setScale(t.scale);
      };
      return {
        zero: Decimal.ZERO.setScale(t.scale),
        add: (a, b) => check((a as Decimal).add(b as Decimal)),
        sub: (a, b) => check((a as Decimal).sub(b as Decimal)),
        toNumber: (a) => (a as Decimal).toNumber(),
      };
    }
    default:
      throw new TypeError(`not a numeric type: ${t.kind}`);
  }
}

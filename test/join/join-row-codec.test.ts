// Join rows as stored: the direct text writer must write what encodeState writes for the
// typed JSON of the same row, for every kind of column, so stored state reads back the same.

import { describe, expect, it } from 'vitest';
import { arrayType, BIGINT, BOOLEAN, BYTES, DATE, decimalType, DOUBLE, INT, mapType, STRING, structType, TIME, TIMESTAMP } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { rowCodec } from '../../runtime/query/join-row-codec.js';
import { encodeState } from '../../runtime/state/kv-store.js';

describe('rowCodec.encodeText', () => {
  it('writes encodeState(encode(row)) for every column type, nulls included', () => {
    const types = [BOOLEAN, INT, BIGINT, DOUBLE, decimalType(10, 2), STRING, BYTES, DATE, TIME, TIMESTAMP, arrayType(BIGINT), mapType(STRING, DOUBLE), structType([{ name: 'A', type: BIGINT }])];
    const codec = rowCodec(types);
    const rows = [
      [true, -5, -(2n ** 63n), 1.5, Decimal.parse('12.30'), 'quote " and \\ and \u0000', Buffer.from([0, 255]), 19000, 3_600_000, 1_700_000_000_123, [1n, null], new Map([['k', Number.NaN]]), { A: 7n }],
      types.map(() => null),
      [false, 0, 0n, Number.POSITIVE_INFINITY, Decimal.parse('-0.01'), '', Buffer.alloc(0), 0, 0, 0, [], new Map(), { A: null }],
    ];
    for (const row of rows) expect(codec.encodeText(row)).toBe(encodeState(codec.encode(row)));
  });
});

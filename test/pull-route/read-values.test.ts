// REST JSON back into runtime values (runtime/rest/read-values.ts): what a server merging
// other instances' rows reads them with, so that ORDER BY across instances compares values as
// one instance does. Every type round-trips through what restValue writes, as text.
import { describe, expect, it } from 'vitest';
import {
  arrayType,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  decimalType,
  DOUBLE,
  INT,
  mapType,
  STRING,
  structType,
  TIME,
  TIMESTAMP,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { RestValueError, restValueReader } from '../../runtime/rest/read-values.js';
import { restValue } from '../../runtime/rest/values.js';
import { parseJsonExact, stringifyJsonExact } from '../../runtime/serde/json-exact.js';

/** As another instance sends it: restValue, written as JSON text, read exactly. */
const overTheWire = (v: unknown, t: SqlType): unknown => restValueReader(t)(parseJsonExact(stringifyJsonExact(restValue(v, t))));

const CASES: readonly { readonly name: string; readonly type: SqlType; readonly values: readonly unknown[] }[] = [
  { name: 'BOOLEAN', type: BOOLEAN, values: [true, false] },
  { name: 'INT', type: INT, values: [0, -2147483648, 2147483647] },
  { name: 'BIGINT', type: BIGINT, values: [0n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n] },
  { name: 'DOUBLE', type: DOUBLE, values: [0, 1.5, -1e-300, 1e21, 123456789.125, Number.NaN, Infinity, -Infinity] },
  { name: 'DECIMAL', type: decimalType(20, 3), values: [Decimal.parse('1.500'), Decimal.parse('-12345678901234567.001'), Decimal.parse('0.000')] },
  { name: 'STRING', type: STRING, values: ['', 'é "q" \n', '𝄞'] },
  { name: 'BYTES', type: BYTES, values: [Buffer.from([0, 255, 7]), Buffer.alloc(0)] },
  { name: 'DATE', type: DATE, values: [0, 19000, -1] },
  // ksqlDB writes TIME in whole seconds: only those survive the wire.
  { name: 'TIME', type: TIME, values: [0, 86_399_000, 45_296_000] },
  { name: 'TIMESTAMP', type: TIMESTAMP, values: [0, 1_700_000_000_123, -86_400_001] },
  { name: 'ARRAY<BIGINT>', type: arrayType(BIGINT), values: [[1n, null, 2n ** 60n], []] },
  { name: 'MAP<STRING, INT>', type: mapType(STRING, INT), values: [new Map([['a', 1], ['__proto__', 2]])] },
  { name: 'MAP<INT, DATE>', type: mapType(INT, DATE), values: [new Map([[1, 10], [-5, null]])] },
  {
    name: 'STRUCT',
    type: structType([
      { name: 'A', type: INT },
      { name: 'b', type: arrayType(TIMESTAMP) },
    ]),
    values: [{ A: 1, b: [5, null] }, { A: null, b: null }],
  },
];

describe('REST values read back', () => {
  for (const c of CASES) {
    it(`${c.name} round-trips`, () => {
      for (const v of [...c.values, null]) expect(overTheWire(v, c.type)).toEqual(v);
    });
  }

  it('keeps a DECIMAL at its column’s scale', () => {
    const d = overTheWire(Decimal.parse('2.5'), decimalType(6, 3)) as Decimal;
    expect(d.toString()).toBe('2.500');
  });

  it('refuses JSON restValue could not have written for the type', () => {
    expect(() => restValueReader(INT)('7')).toThrow(RestValueError);
    expect(() => restValueReader(arrayType(INT))({ a: 1 })).toThrow(RestValueError);
    expect(() => restValueReader(STRING)(3)).toThrow(RestValueError);
  });
});

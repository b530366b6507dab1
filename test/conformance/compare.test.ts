import { describe, expect, it } from 'vitest';
import { BIGINT, DOUBLE, INT, STRING, arrayType, decimalType, mapType, structType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { JsonNumber } from '../../runtime/serde/json-exact.js';
import { diffTopic, diffValue, rowType, type ActualRecord } from './compare.js';
import type { QttRecord } from './loader.js';

const matches = (actual: unknown, expected: unknown, type?: Parameters<typeof diffValue>[2]): boolean =>
  diffValue(actual, expected, type, '') === undefined;

function expected(value: unknown, extra: Partial<QttRecord> = {}): QttRecord {
  return { topic: 'OUT', key: null, value, timestamp: undefined, window: undefined, headers: undefined, ...extra };
}
function actual(value: unknown, extra: Partial<ActualRecord> = {}): ActualRecord {
  return { key: null, value, timestamp: 0, window: undefined, headers: [], ...extra };
}
const noTypes = { key: undefined, value: undefined };

describe('diffValue', () => {
  it('matches JSON objects field by field, falling back to the upper-cased field like ksqlDB', () => {
    expect(matches({ ID: 1, NAME: 'a' }, { ID: 1, NAME: 'a' })).toBe(true);
    expect(matches({ ID: 1 }, { id: 1 })).toBe(true);
    expect(matches({ id: 1 }, { ID: 1 })).toBe(false);
    expect(matches({ ID: 1, EXTRA: 2 }, { ID: 1 })).toBe(false);
    expect(matches({ ID: null }, { ID: null })).toBe(true);
  });

  it('reports where a nested value differs', () => {
    expect(diffValue({ A: [{ B: 1 }, { B: 2 }] }, { A: [{ B: 1 }, { B: 3 }] }, undefined, '')).toEqual({ path: 'A[1].B' });
  });

  it('compares integers exactly, whether number or bigint', () => {
    expect(matches(5, 5n, BIGINT)).toBe(true);
    expect(matches(6n, 5, BIGINT)).toBe(false);
    expect(matches(5.5, 5, INT)).toBe(false);
    expect(matches(2n ** 52n + 1n, 2n ** 52n)).toBe(false);
  });

  it('compares BIGINTs above 2^53 at double precision, as the normalised files keep them', () => {
    expect(matches(998877665544332211n, 998877665544332200n, BIGINT)).toBe(true);
    expect(matches(998877665544331000n, 998877665544332200n, BIGINT)).toBe(false);
  });

  it('compares doubles within 1e-6, relative above 1', () => {
    expect(matches(0.30000000000000004, new JsonNumber('0.3'), DOUBLE)).toBe(true);
    expect(matches(0.3001, new JsonNumber('0.3'), DOUBLE)).toBe(false);
    expect(matches(new JsonNumber('2.0'), 2, DOUBLE)).toBe(true);
    expect(matches(1.0e20 + 1e5, 1.0e20)).toBe(true);
    expect(matches(new JsonNumber('1.0E-5'), new JsonNumber('0.00001'))).toBe(true);
  });

  it('compares decimals by value at the precision of the file, and with scale when written as strings', () => {
    const d = decimalType(6, 4);
    expect(matches(new JsonNumber('10.0000'), 10, d)).toBe(true);
    expect(matches(new JsonNumber('1.10'), new JsonNumber('1.1'), d)).toBe(true);
    expect(matches(Decimal.parse('1.1000'), new JsonNumber('1.1'), d)).toBe(true);
    expect(matches(new JsonNumber('1.1001'), new JsonNumber('1.1'), d)).toBe(false);
    expect(matches(Decimal.parse('12.30'), '12.30')).toBe(true);
    expect(matches(new JsonNumber('12.30'), '12.30')).toBe(true);
    expect(matches(Decimal.parse('12.3'), '12.30')).toBe(false);
  });

  it('uses struct, map and array types to find the type of nested numbers', () => {
    const t = structType([{ name: 'M', type: mapType(STRING, arrayType(DOUBLE)) }]);
    expect(matches({ M: new Map([['k', [1.0000001]]]) }, { M: { k: [1] } }, t)).toBe(true);
    expect(matches({ M: new Map([['k', [1.0000001]]]) }, { M: { k: [1] } })).toBe(true);
    expect(matches({ M: new Map([[1, 'x']]) }, { M: { '1': 'x' } })).toBe(true);
  });

  it('unwraps single-column rows so a scalar key or value meets its column type', () => {
    const t = rowType([{ name: 'V', type: DOUBLE }]);
    expect(matches(2.0000001, 2, t)).toBe(true);
    expect(matches({ V: 2.0000001 }, { V: 2 }, t)).toBe(true);
  });

  it('compares bytes with their base64 text and booleans and nulls strictly', () => {
    expect(matches(Buffer.from([1, 2, 3]), 'AQID')).toBe(true);
    expect(matches(true, true)).toBe(true);
    expect(matches('true', true)).toBe(false);
    expect(matches(0, null)).toBe(false);
    expect(matches(null, 0)).toBe(false);
  });
});

describe('diffTopic', () => {
  it('requires the same number of records', () => {
    expect(diffTopic('OUT', [expected(1), expected(2)], [actual(1)], noTypes, false)).toBe(
      'topic OUT: expected 2 records, got 1',
    );
  });

  it('requires the same order', () => {
    expect(diffTopic('OUT', [expected(1), expected(2)], [actual(2), actual(1)], noTypes, false)).toBe(
      'topic OUT record 0: value 2 != 1',
    );
  });

  it('checks timestamps only when given, and an expected 0 is "any" for INSERT VALUES cases', () => {
    expect(diffTopic('OUT', [expected(1)], [actual(1, { timestamp: 99 })], noTypes, false)).toBeUndefined();
    expect(diffTopic('OUT', [expected(1, { timestamp: 5 })], [actual(1, { timestamp: 99 })], noTypes, false)).toBe(
      'topic OUT record 0: timestamp 99 != 5',
    );
    expect(diffTopic('OUT', [expected(1, { timestamp: 0 })], [actual(1, { timestamp: 99 })], noTypes, true)).toBeUndefined();
    expect(diffTopic('OUT', [expected(1, { timestamp: 0 })], [actual(1, { timestamp: 99 })], noTypes, false)).toBeDefined();
  });

  it('checks windows when expected, and headers always (none expected means none)', () => {
    const window = { start: 0, end: 1000, type: 'time' as const };
    expect(diffTopic('OUT', [expected(1, { window })], [actual(1, { window })], noTypes, false)).toBeUndefined();
    expect(
      diffTopic('OUT', [expected(1, { window })], [actual(1, { window: { ...window, end: 2000 } })], noTypes, false),
    ).toMatch(/window/);
    const headers = [{ key: 'h', value: Buffer.from('!') }];
    expect(diffTopic('OUT', [expected(1)], [actual(1, { headers })], noTypes, false)).toMatch(/headers/);
    expect(
      diffTopic('OUT', [expected(1, { headers: [{ KEY: 'h', VALUE: 'IQ==' }] })], [actual(1, { headers })], noTypes, false),
    ).toBeUndefined();
  });

  it('compares keys, null when the file gives none', () => {
    expect(diffTopic('OUT', [expected(1)], [actual(1, { key: 'k' })], noTypes, false)).toMatch(/^topic OUT record 0: key/);
    expect(diffTopic('OUT', [expected(1, { key: 'k' })], [actual(1, { key: 'k' })], noTypes, false)).toBeUndefined();
  });
});

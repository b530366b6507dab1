import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, DOUBLE, INT, STRING, type SqlType } from '../../planner/types.js';
import { createSerde } from '../../runtime/serde/index.js';
import { SerdeError, type RowSerde } from '../../runtime/serde/serde.js';

function kafka(type: SqlType, role: 'key' | 'value' = 'value'): RowSerde {
  return createSerde('KAFKA', [{ name: 'V', type }], {}, role);
}
const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));

describe('KAFKA format bytes', () => {
  it('INT is 4 bytes, big-endian two’s complement', () => {
    const s = kafka(INT);
    expect(hex(s.serialize([1]))).toBe('00000001');
    expect(hex(s.serialize([-2]))).toBe('fffffffe');
    expect(hex(s.serialize([2147483647]))).toBe('7fffffff');
    expect(s.deserialize(Buffer.from('80000000', 'hex'))).toEqual([-2147483648]);
  });

  it('BIGINT is 8 bytes, exact across the whole range', () => {
    const s = kafka(BIGINT);
    expect(hex(s.serialize([1n]))).toBe('0000000000000001');
    expect(hex(s.serialize([9223372036854775807n]))).toBe('7fffffffffffffff');
    expect(hex(s.serialize([-1n]))).toBe('ffffffffffffffff');
    expect(s.deserialize(Buffer.from('8000000000000000', 'hex'))).toEqual([-9223372036854775808n]);
    expect(s.deserialize(s.serialize([10000000000n]))).toEqual([10000000000n]);
  });

  it('DOUBLE is an 8-byte IEEE 754 big-endian', () => {
    const s = kafka(DOUBLE);
    expect(hex(s.serialize([1.1]))).toBe('3ff199999999999a');
    expect(s.deserialize(Buffer.from('c000000000000000', 'hex'))).toEqual([-2]);
  });

  it('STRING is UTF-8, the empty string included', () => {
    const s = kafka(STRING);
    expect(hex(s.serialize(['é']))).toBe('c3a9');
    expect(s.deserialize(Buffer.from('c3a9', 'hex'))).toEqual(['é']);
    expect(s.deserialize(Buffer.alloc(0))).toEqual(['']);
  });

  it('BYTES are the raw bytes, copied out of the record', () => {
    const s = kafka(BYTES);
    const rec = Buffer.from([1, 2, 3]);
    const [out] = s.deserialize(rec) as [Buffer];
    rec[0] = 9;
    expect([...out]).toEqual([1, 2, 3]);
    expect(hex(s.serialize([Buffer.from([0xab])]))).toBe('ab');
  });

  it('writes no bytes for a null row or a null value', () => {
    expect(kafka(INT, 'key').serialize(null)).toBeNull();
    expect(kafka(INT, 'key').serialize([null])).toBeNull();
    expect(kafka(STRING).deserialize(null)).toBeNull();
  });

  it.each<[SqlType, number]>([
    [INT, 3],
    [INT, 8],
    [BIGINT, 4],
    [DOUBLE, 0],
  ])('rejects a %j record of %i bytes with a SerdeError', (type, len) => {
    expect(() => kafka(type).deserialize(Buffer.alloc(len))).toThrow(SerdeError);
  });

  it('refuses values that do not fit the column type', () => {
    expect(() => kafka(INT).serialize([2147483648])).toThrow(SerdeError);
    expect(() => kafka(INT).serialize([1.5])).toThrow(SerdeError);
    expect(() => kafka(BIGINT).serialize([2n ** 63n])).toThrow(SerdeError);
    expect(() => kafka(STRING).serialize([1])).toThrow(SerdeError);
    expect(() => kafka(STRING).serialize(['a', 'b'])).toThrow(SerdeError);
  });
});

import { describe, expect, it } from 'vitest';
import { murmur2, toPositive } from '../../runtime/log/murmur2.js';
import { RoundRobinCounter, partitionFor } from '../../runtime/log/partitioner.js';

describe('murmur2', () => {
  // The vectors of Kafka's UtilsTest.testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like Kafka', (input, hash) => {
    expect(murmur2(Buffer.from(input))).toBe(hash);
  });

  // Computed by running Kafka's Java code: bytes >= 0x80 are negative Java bytes, masked with
  // 0xff, and the tail of 1 or 3 bytes goes through the switch fall-through.
  it.each([
    [[], 275646681],
    [[0xff, 0x80, 0xfe, 0x81, 0x90], 234866925],
    [[0xff, 0x80, 0xfe], 957058525],
    [[0xc3], -119494966],
  ])('hashes bytes %j like Kafka', (bytes, hash) => {
    expect(murmur2(Buffer.from(bytes))).toBe(hash);
    expect(murmur2(new Uint8Array(bytes))).toBe(hash);
  });

  it('toPositive clears the sign bit', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(42)).toBe(42);
  });
});

describe('partitionFor', () => {
  it('maps keys with toPositive(murmur2(key)) % partitions', () => {
    const rr = new RoundRobinCounter();
    expect(partitionFor(Buffer.from('21'), 3, rr)).toBe(1173551340 % 3);
    expect(partitionFor(Buffer.from('foobar'), 10, rr)).toBe(toPositive(-790332482) % 10);
    expect(partitionFor(Buffer.alloc(0), 4, rr)).toBe(toPositive(murmur2(Buffer.alloc(0))) % 4);
  });

  it('spreads keyless records round-robin', () => {
    const rr = new RoundRobinCounter();
    expect(Array.from({ length: 7 }, () => partitionFor(null, 3, rr))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });
});

// The 8-byte big-endian integers of KAFKA BIGINT keys and windowed keys: the number fast path
// must write and read exactly what Node's BigInt methods do, at and beyond its edges.

import { describe, expect, it } from 'vitest';
import { readInt64BE, writeInt64BE } from '../../runtime/serde/int64.js';

const EDGES = [0n, 1n, -1n, 255n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 1_700_000_000_000n, -1_700_000_000_123n];
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const WIDE = [SAFE - 1n, SAFE, SAFE + 1n, -SAFE, -SAFE - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 62n + 12345n, 2n ** 63n - 1n, -(2n ** 63n)];

describe('int64 wire format', () => {
  it('writes the bytes Node writes, and reads them back', () => {
    for (const v of [...EDGES, ...WIDE]) {
      const mine = Buffer.alloc(10);
      const node = Buffer.alloc(10);
      writeInt64BE(mine, v, 1);
      node.writeBigInt64BE(v, 1);
      expect(mine.toString('hex')).toBe(node.toString('hex'));
      expect(readInt64BE(node, 1)).toBe(v);
    }
  });
});

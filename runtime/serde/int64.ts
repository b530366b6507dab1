// 64-bit integers on the wire: 8 bytes, big-endian two's complement. Node's readBigInt64BE and
// writeBigInt64BE go through BigInt arithmetic on the two 32-bit halves, several heap BigInts a
// call; keys, window bounds and timestamps nearly always fit a double exactly (|v| <= 2^53), so
// those take the 32-bit halves as numbers and make one BigInt (reading) or none (writing).

const TWO_32 = 4294967296;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;

export function readInt64BE(b: Buffer, offset: number): bigint {
  const hi = b.readInt32BE(offset);
  // |hi| < 2^21 keeps hi * 2^32 + lo below 2^53 in magnitude: exact as a double.
  if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * TWO_32 + b.readUInt32BE(offset + 4));
  return b.readBigInt64BE(offset);
}

/** `v` must be within the 64-bit range (callers check). */
export function writeInt64BE(b: Buffer, v: bigint, offset: number): void {
  if (v >= MIN_SAFE && v <= MAX_SAFE) {
    const n = Number(v);
    const hi = Math.floor(n / TWO_32);
    b.writeInt32BE(hi, offset);
    b.writeUInt32BE(n - hi * TWO_32, offset + 4);
  } else {
    b.writeBigInt64BE(v, offset);
  }
}

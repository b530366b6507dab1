// The baselines' own encoding helpers: KAFKA-format BIGINT keys and JSON values, written
// with Buffer and JSON directly (the baselines use no Sluice code but the Log).

import type { LogRecord } from '../../../runtime/log/log.js';

export function readLongKey(key: Buffer | null): number {
  if (key === null || key.length !== 8) throw new Error(`expected an 8-byte BIGINT key, got ${key?.length ?? 'null'}`);
  return Number(key.readBigInt64BE(0));
}

export function longKey(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

export function parseValue<T>(rec: LogRecord): T | null {
  return rec.value === null ? null : (JSON.parse(rec.value.toString('utf8')) as T);
}

export function jsonValue(value: object): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// Record headers packed into one BLOB so a record stays one row. Layout (varints are unsigned
// LEB128): count, then per header: key byte length, UTF-8 key, value length + 1 (0 = null
// value), value bytes. Order and duplicate keys are preserved, as Kafka does.
import type { Header } from '../log.js';

export const NO_HEADERS: readonly Header[] = Object.freeze([]);

/** `null` for no headers, so the common case stores nothing and decodes without allocating. */
export function encodeHeaders(headers: readonly Header[] | undefined): Buffer | null {
  if (headers === undefined || headers.length === 0) return null;
  const keys = headers.map((h) => Buffer.from(h.key, 'utf8'));
  let size = varintSize(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const value = headers[i]!.value;
    const valueLen = value === null ? 0 : value.length;
    size += varintSize(keys[i]!.length) + keys[i]!.length + varintSize(valueLen + 1) + valueLen;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = writeVarint(out, 0, headers.length);
  for (let i = 0; i < headers.length; i++) {
    const key = keys[i]!;
    pos = writeVarint(out, pos, key.length);
    pos += key.copy(out, pos);
    const value = headers[i]!.value;
    if (value === null) {
      pos = writeVarint(out, pos, 0);
    } else {
      pos = writeVarint(out, pos, value.length + 1);
      pos += value.copy(out, pos);
    }
  }
  return out;
}

export function decodeHeaders(blob: Buffer | null): readonly Header[] {
  if (blob === null) return NO_HEADERS;
  const reader = { pos: 0 };
  const count = readVarint(blob, reader);
  const headers: Header[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const keyLen = readVarint(blob, reader);
    const key = blob.toString('utf8', reader.pos, reader.pos + keyLen);
    reader.pos += keyLen;
    const valueLen = readVarint(blob, reader);
    let value: Buffer | null = null;
    if (valueLen > 0) {
      // A copy, not a subarray: callers may keep one header while the blob is dropped.
      value = Buffer.from(blob.subarray(reader.pos, reader.pos + valueLen - 1));
      reader.pos += valueLen - 1;
    }
    headers[i] = { key, value };
  }
  return headers;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[pos++] = n;
  return pos;
}

function readVarint(buf: Buffer, reader: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[reader.pos++];
    if (byte === undefined) throw new Error('corrupt header blob: truncated varint');
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 0x80;
  }
}

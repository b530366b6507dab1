// Conversions between BYTES and other types. (Functions that take STRING or BYTES alike, such
// as SUBSTRING and LPAD, live in string.ts with their STRING overloads.)

import type { FunctionDef } from '../../planner/functions.js';
import { BIGINT, BYTES, DOUBLE, INT, STRING } from '../../planner/types.js';
import { bytesToText, parseEncoding, textToBytes } from './codec.js';
import { Category, scalar, strict } from './define.js';
import { P_BYTES, P_STRING } from './params.js';

type ByteOrder = 'BIG_ENDIAN' | 'LITTLE_ENDIAN';

function byteOrder(name: string): ByteOrder {
  const n = name.toUpperCase();
  if (n !== 'BIG_ENDIAN' && n !== 'LITTLE_ENDIAN') {
    throw new RangeError(`Byte order must be BIG_ENDIAN or LITTLE_ENDIAN (got '${name}')`);
  }
  return n;
}

function checkLength(b: Buffer, n: number): void {
  if (b.length !== n) throw new RangeError(`Number of bytes must be equal to ${n}, but found ${b.length}`);
}

const readers = {
  INT: (b: Buffer, o: ByteOrder) => (checkLength(b, 4), o === 'BIG_ENDIAN' ? b.readInt32BE(0) : b.readInt32LE(0)),
  BIGINT: (b: Buffer, o: ByteOrder) => (checkLength(b, 8), o === 'BIG_ENDIAN' ? b.readBigInt64BE(0) : b.readBigInt64LE(0)),
  DOUBLE: (b: Buffer, o: ByteOrder) => (checkLength(b, 8), o === 'BIG_ENDIAN' ? b.readDoubleBE(0) : b.readDoubleLE(0)),
};

function fromBytes(name: string, kind: keyof typeof readers, description: string): FunctionDef {
  const type = kind === 'INT' ? INT : kind === 'BIGINT' ? BIGINT : DOUBLE;
  const read = readers[kind];
  return scalar(name, Category.CONVERSIONS, description, [
    strict([P_BYTES], type, (b: Buffer) => read(b, 'BIG_ENDIAN')),
    strict([P_BYTES, P_STRING], type, (b: Buffer, order: string) => read(b, byteOrder(order))),
  ]);
}

export const bytesFunctions: readonly FunctionDef[] = [
  scalar('TO_BYTES', Category.CONVERSIONS, 'Converts a string to BYTES using an encoding: hex, utf8, ascii or base64.', [
    strict([P_STRING, P_STRING], BYTES, (s: string, enc: string) => textToBytes(s, parseEncoding(enc))),
  ]),
  scalar('FROM_BYTES', Category.CONVERSIONS, 'Converts BYTES to a string using an encoding: hex, utf8, ascii or base64.', [
    strict([P_BYTES, P_STRING], STRING, (b: Buffer, enc: string) => bytesToText(b, parseEncoding(enc), true)),
  ]),
  fromBytes('INT_FROM_BYTES', 'INT', 'Reads an INT from 4 bytes, big-endian unless LITTLE_ENDIAN is given.'),
  fromBytes('BIGINT_FROM_BYTES', 'BIGINT', 'Reads a BIGINT from 8 bytes, big-endian unless LITTLE_ENDIAN is given.'),
  fromBytes('DOUBLE_FROM_BYTES', 'DOUBLE', 'Reads a DOUBLE from 8 bytes, big-endian unless LITTLE_ENDIAN is given.'),
];

// kafkajs's record codec (protocol/recordBatch/record/v0), with what the Log needs fixed:
// - Kafka headers are an ordered list whose values may be null. kafkajs carries them as an
//   object, which groups a repeated key's values and puts integer-like keys first, and its
//   encoder throws on a null value (`Buffer.byteLength(null)` before the null check).
// - So the encoder here writes the ordered list a message carries under ORDERED_HEADERS (kept
//   through kafkajs's `{ ...message }` copies, which copy symbol keys), null values included;
//   the decoder also returns the headers as that ordered list.
// Both are kafkajs's code otherwise. They replace kafkajs's modules in Node's require cache;
// modules that captured the originals when they loaded are evicted so that they load again.
import { createRequire } from 'node:module';
import type { Header } from '../log.js';

const require = createRequire(import.meta.url);

export const ORDERED_HEADERS = Symbol.for('sluice.kafka.orderedHeaders');

interface KEncoder {
  writeVarInt(n: number): KEncoder;
  writeInt8(n: number): KEncoder;
  writeVarLong(n: unknown): KEncoder;
  writeVarIntBytes(b: Buffer | null): KEncoder;
  writeVarIntArray(items: KEncoder[]): KEncoder;
}
interface KEncoderClass {
  new (): KEncoder;
  sizeOfVarInt(n: number): number;
  sizeOfVarLong(n: unknown): number;
  sizeOfVarIntBytes(b: Buffer | null): number;
}
interface KDecoder {
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): unknown;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(item: (d: KDecoder) => T): T[];
}
interface KLong {
  fromValue(v: unknown): { add(v: unknown): { toString(): string } };
}

const Encoder = require('kafkajs/src/protocol/encoder.js') as KEncoderClass;
const Long = require('kafkajs/src/utils/long.js') as KLong;
const encodeHeader = require('kafkajs/src/protocol/recordBatch/header/v0/index.js') as (h: Header) => KEncoder;
const decodeHeader = require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js') as (d: KDecoder) => Header;
const TimestampTypes = require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number };

type HeaderValues = Record<string, Buffer | string | null | (Buffer | string | null)[]>;

interface RecordInput {
  readonly offsetDelta?: number;
  readonly timestampDelta?: unknown;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: HeaderValues;
  readonly [ORDERED_HEADERS]?: readonly Header[];
}

function orderedHeaders(input: RecordInput): readonly Header[] {
  const ordered = input[ORDERED_HEADERS];
  if (ordered !== undefined) return ordered;
  // A message from elsewhere (kafkajs's own producer): its object form, as kafkajs orders it.
  const out: Header[] = [];
  for (const [key, v] of Object.entries(input.headers ?? {})) {
    for (const value of Array.isArray(v) ? v : [v]) {
      out.push({ key, value: typeof value === 'string' ? Buffer.from(value) : value });
    }
  }
  return out;
}

function encodeRecord(input: RecordInput): KEncoder {
  const { offsetDelta = 0, timestampDelta = 0, key, value } = input;
  const headers = orderedHeaders(input);
  let headerSize = Encoder.sizeOfVarInt(headers.length);
  for (const h of headers) {
    const keySize = Buffer.byteLength(h.key);
    headerSize += Encoder.sizeOfVarInt(keySize) + keySize + Encoder.sizeOfVarIntBytes(h.value);
  }
  const sizeOfBody =
    1 + // attributes: always 0
    Encoder.sizeOfVarLong(timestampDelta) +
    Encoder.sizeOfVarInt(offsetDelta) +
    Encoder.sizeOfVarIntBytes(key) +
    Encoder.sizeOfVarIntBytes(value) +
    headerSize;
  return new Encoder()
    .writeVarInt(sizeOfBody)
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarIntArray(headers.map(encodeHeader));
}

interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly magicByte: number;
  readonly isControlBatch?: boolean;
  readonly timestampType: number;
  readonly maxTimestamp: string;
}

function decodeRecord(decoder: KDecoder, batchContext: BatchContext) {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = decoder.readVarLong();
  const timestamp =
    timestampType === TimestampTypes.LOG_APPEND_TIME && maxTimestamp
      ? maxTimestamp
      : Long.fromValue(firstTimestamp).add(timestampDelta).toString();
  const offsetDelta = decoder.readVarInt();
  const offset = Long.fromValue(firstOffset).add(offsetDelta).toString();
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const ordered = decoder.readVarIntArray(decodeHeader);
  // No prototype: a header named '__proto__' is a property like any other.
  const headers = Object.create(null) as Record<string, Buffer | null | (Buffer | null)[]>;
  for (const { key: k, value: v } of ordered) {
    const seen = headers[k];
    headers[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    [ORDERED_HEADERS]: ordered,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** Modules that hold kafkajs's original encoder or decoder from when they were loaded. */
const ENCODER_USERS = [3, 4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);
const DECODER_USERS = [
  'kafkajs/src/protocol/recordBatch/v0/decoder.js',
  'kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js',
  ...[4, 5, 6, 7, 8, 9, 10, 11].map((v) => `kafkajs/src/protocol/requests/fetch/v${v}/response.js`),
];

function replace(modulePath: string, replacement: unknown, users: readonly string[]): void {
  const resolved = require.resolve(modulePath);
  require(resolved);
  require.cache[resolved]!.exports = replacement;
  for (const user of users) delete require.cache[require.resolve(user)];
}

let installed = false;

export function installRecordCodec(): void {
  if (installed) return;
  installed = true;
  replace('kafkajs/src/protocol/recordBatch/record/v0/index.js', encodeRecord, ENCODER_USERS);
  replace('kafkajs/src/protocol/recordBatch/record/v0/decoder.js', decodeRecord, DECODER_USERS);
}

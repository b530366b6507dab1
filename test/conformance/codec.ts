// Turns test-file records into log records and log records back into comparable values.
//
// Inputs are written the way ksqlDB's harness writes them: JSON-family formats get exactly
// the JSON the file gives (odd field-name casing and extra fields must reach the engine, not
// be normalised away by a schema), DELIMITED gets the file's string as is, and KAFKA goes
// through Sluice's serde with the column type. Outputs come back as parsed JSON (JSON),
// the raw text (DELIMITED) or typed values (KAFKA), which compare.ts matches.

import { keyColumns, payloadColumns } from '../../planner/catalog.js';
import { Decimal } from '../../planner/values/decimal.js';
import type { SqlType } from '../../planner/types.js';
import type { ColumnInfo, SourceInfo } from '../../runtime/engine/api.js';
import type { Header, LogRecord, ProducerRecord } from '../../runtime/log/log.js';
import type { FormatName, FormatOptions, RowSerde, SerdeRole } from '../../runtime/serde/serde.js';
import { createSerde, windowedKeySerde } from '../../runtime/serde/index.js';
import { parseJsonExact, stringifyJsonExact } from '../../runtime/serde/json-exact.js';
import type { ActualRecord } from './compare.js';
import { isObject, type QttRecord, type QttTopic, type QttWindow } from './loader.js';

/** How one side (key or value) of a topic's records is written. */
interface Side {
  readonly format: FormatName;
  readonly columns: readonly ColumnInfo[];
  readonly options: FormatOptions;
  readonly role: SerdeRole;
}

function keySide(s: SourceInfo): Side {
  return { format: s.keyFormat, columns: keyColumns(s), options: s.keyFormatOptions, role: 'key' };
}
function valueSide(s: SourceInfo): Side {
  return { format: s.valueFormat, columns: payloadColumns(s), options: s.valueFormatOptions, role: 'value' };
}

function serde(side: Side): RowSerde {
  return createSerde(side.format, side.columns, side.options, side.role);
}

function windowSerde(s: SourceInfo): RowSerde {
  return windowedKeySerde(serde(keySide(s)), s.windowType!, s.windowSize);
}

/**
 * The producer record for an input. `source` is the first catalog source over the topic;
 * without one, `topic` (the case's `topics` entry) or the JSON shape of the data decides.
 */
export function encodeInput(rec: QttRecord, source: SourceInfo | undefined, topic: QttTopic | undefined): ProducerRecord {
  let key: Buffer | null;
  if (rec.key === null) key = null;
  else if (source === undefined) key = encodeLoose(rec.key, topic?.keyFormat);
  else if (source.windowType !== undefined && rec.window !== undefined) {
    const side = keySide(source);
    key = windowSerde(source).serialize([...rowOf(rec.key, side.columns), rec.window.start, rec.window.end]);
  } else key = encodeSide(rec.key, keySide(source));

  let value: Buffer | null;
  if (rec.value === null) value = null;
  else if (source === undefined) value = encodeLoose(rec.value, topic?.valueFormat);
  else value = encodeSide(rec.value, valueSide(source));

  const headers: Header[] | undefined = rec.headers?.map((h) => ({
    key: h.KEY,
    value: h.VALUE === null ? null : Buffer.from(h.VALUE, 'base64'),
  }));
  return { timestamp: rec.timestamp ?? 0, key, value, ...(headers ? { headers } : {}) };
}

function encodeSide(data: unknown, side: Side): Buffer | null {
  // Nothing to encode (a keyless stream's key): send the file's data; the engine ignores it.
  if (side.columns.length === 0) return encodeLoose(data, undefined);
  switch (side.format) {
    case 'KAFKA':
      return serde(side).serialize(rowOf(data, side.columns));
    case 'DELIMITED':
    case 'NONE': // the engine must ignore these bytes; ksqlDB's cases send them to check that
      return Buffer.from(text(data), 'utf8');
    default:
      return Buffer.from(stringifyJsonExact(data), 'utf8');
  }
}

/** No schema known: strings as their bytes, anything else as JSON. */
function encodeLoose(data: unknown, format: string | undefined): Buffer {
  if (format === 'JSON' || typeof data !== 'string') return Buffer.from(stringifyJsonExact(data), 'utf8');
  return Buffer.from(data, 'utf8');
}

/** The file's key or value as a row of typed values in column order. */
function rowOf(data: unknown, columns: readonly ColumnInfo[]): unknown[] {
  if (columns.length === 1) {
    const only = columns[0]!;
    // A single value column may be written wrapped (`{"FOO": 1}`) even where it is stored unwrapped.
    if (isObject(data) && only.type.kind !== 'STRUCT' && only.type.kind !== 'MAP') {
      return [coerce(field(data, only.name), only.type)];
    }
    return [coerce(data, only.type)];
  }
  if (!isObject(data)) throw new Error(`expected an object with fields ${columns.map((c) => c.name).join(', ')}`);
  return columns.map((c) => coerce(field(data, c.name), c.type));
}

function field(obj: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in obj) return obj[name];
  const upper = name.toUpperCase();
  const hit = Object.keys(obj).find((k) => k.toUpperCase() === upper);
  return hit === undefined ? null : obj[hit];
}

/** A parsed JSON value as the runtime representation of `type` (planner/types.ts). */
export function coerce(v: unknown, type: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : text(v).toLowerCase() === 'true';
    case 'INT':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return Number(text(v));
    case 'BIGINT':
      return typeof v === 'bigint' ? v : BigInt(text(v));
    case 'DECIMAL':
      return v instanceof Decimal ? v : Decimal.parse(text(v));
    case 'STRING':
      return text(v);
    case 'BYTES':
      return Buffer.isBuffer(v) ? v : Buffer.from(text(v), 'base64');
    case 'ARRAY':
      if (!Array.isArray(v)) throw new Error(`expected an array, got ${text(v)}`);
      return v.map((x) => coerce(x, type.element));
    case 'MAP':
      if (!isObject(v)) throw new Error(`expected an object for a MAP, got ${text(v)}`);
      return new Map(Object.entries(v).map(([k, x]) => [coerce(k, type.key), coerce(x, type.value)]));
    case 'STRUCT': {
      if (!isObject(v)) throw new Error(`expected an object for a STRUCT, got ${text(v)}`);
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = coerce(field(v, f.name), f.type);
      return out;
    }
  }
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof Decimal) return String(v);
  return stringifyJsonExact(v);
}

/**
 * Decodes an output record with the serdes of `source` (the sink over its topic). Throws when
 * the bytes don't decode, which the runner reports as the case's failure.
 */
export function decodeOutput(rec: LogRecord, source: SourceInfo): ActualRecord {
  let key: unknown = null;
  let window: QttWindow | undefined;
  if (rec.key !== null) {
    if (source.windowType !== undefined) {
      const side = keySide(source);
      const row = windowSerde(source).deserialize(rec.key);
      const n = side.columns.length;
      if (row === null) return { key: null, value: decodeValue(rec, source), timestamp: rec.timestamp, window, headers: rec.headers };
      window = {
        start: Number(row[n]),
        end: Number(row[n + 1]),
        type: source.windowType === 'SESSION' ? 'session' : 'time',
      };
      // Text formats compare as the text ksqlDB would have written, so re-encode the key part.
      key = side.format === 'KAFKA' ? unwrapRow(row.slice(0, n), side.columns) : decodeSide(serde(side).serialize(row.slice(0, n)), side);
    } else {
      key = decodeSide(rec.key, keySide(source));
    }
  }
  return { key, value: decodeValue(rec, source), timestamp: rec.timestamp, window, headers: rec.headers };
}

function decodeValue(rec: LogRecord, source: SourceInfo): unknown {
  return rec.value === null ? null : decodeSide(rec.value, valueSide(source));
}

function decodeSide(bytes: Buffer | null, side: Side): unknown {
  if (bytes === null) return null;
  switch (side.format) {
    case 'KAFKA':
      return unwrapRow(serde(side).deserialize(bytes) ?? [], side.columns);
    case 'DELIMITED':
      return bytes.toString('utf8');
    case 'NONE':
      return null;
    default:
      return parseJsonExact(bytes.toString('utf8'));
  }
}

function unwrapRow(row: readonly unknown[], columns: readonly ColumnInfo[]): unknown {
  if (columns.length === 1) return row[0] ?? null;
  return Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null]));
}

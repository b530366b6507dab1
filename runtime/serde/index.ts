// Serde construction: one RowSerde per (format, columns, options, role), built once per
// schema and reused for every record.

import { assertNever } from '../../grammar/ast.js';
import { delimitedSerde, resolveDelimiter } from './delimited.js';
import { checkFormatSupports } from './format-support.js';
import { jsonSerde } from './json.js';
import { kafkaSerde } from './kafka.js';
import { voidSerde } from './none.js';
import {
  UnsupportedFormatError,
  type FormatName,
  type FormatOptions,
  type RowSerde,
  type SerdeColumn,
  type SerdeRole,
} from './serde.js';

export { windowedKeySerde } from './windowed.js';

/**
 * The serde for a key or value schema. Throws UnsupportedFormatError when the format is not
 * supported (AVRO, PROTOBUF, PROTOBUF_NOSR, JSON_SR) or cannot carry these columns, with
 * ksqlDB's message.
 *
 * Single columns: a key is always unwrapped (the bare value); a JSON value is wrapped in an
 * object unless `wrapSingleValue` is false. Other formats ignore `wrapSingleValue`.
 */
export function createSerde(
  format: FormatName,
  columns: readonly SerdeColumn[],
  options: FormatOptions,
  role: SerdeRole,
): RowSerde {
  checkFormatSupports(format, columns, role);
  const delimiter = format === 'DELIMITED' ? resolveDelimiter(options.delimiter) : undefined;
  // A keyless source's key carries nothing in any format.
  if (columns.length === 0 && role === 'key') return voidSerde;
  switch (format) {
    case 'NONE':
      return voidSerde;
    case 'KAFKA':
      return columns.length === 0 ? voidSerde : kafkaSerde(columns[0]!);
    case 'JSON': {
      const unwrapped = columns.length === 1 && (role === 'key' || options.wrapSingleValue === false);
      return jsonSerde(columns, !unwrapped);
    }
    case 'DELIMITED':
      return delimitedSerde(columns, delimiter!, role);
    case 'AVRO':
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR':
    case 'JSON_SR':
      throw new UnsupportedFormatError(`format ${format} is not supported yet`);
    default:
      return assertNever(format, 'format');
  }
}

// Which column types each format can carry, with ksqlDB's messages. createSerde checks these
// so that a statement whose schema a format cannot hold fails when it is made, not per record.

import { assertNever } from '../../grammar/ast.js';
import { containsMap, formatType, type SqlType } from '../../planner/types.js';
import { UNSUPPORTED_FORMATS } from '../../planner/formats.js';
import { kafkaPrimitive } from './kafka.js';
import { UnsupportedFormatError, type FormatName, type SerdeColumn, type SerdeRole } from './serde.js';

export function checkFormatSupports(format: FormatName, columns: readonly SerdeColumn[], role: SerdeRole): void {
  if (UNSUPPORTED_FORMATS.has(format)) throw new UnsupportedFormatError(`format ${format} is not supported yet`);
  if (role === 'key') {
    const withMap = columns.find((c) => containsMap(c.type));
    if (withMap) {
      throw new UnsupportedFormatError(
        'Map keys, including types that contain maps, are not supported as they may lead to unexpected ' +
          `behavior due to inconsistent serialization. Key column name: \`${withMap.name}\`. ` +
          `Column type: ${formatType(withMap.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  }
  switch (format) {
    case 'NONE':
      if (columns.length > 0) {
        throw new UnsupportedFormatError(
          `The 'NONE' format can only be used when no columns are defined. Got: ${columnList(columns, role)}`,
        );
      }
      return;
    case 'KAFKA':
      if (columns.length > 1) {
        throw new UnsupportedFormatError(
          `The 'KAFKA' format only supports a single field. Got: ${columnList(columns, role)}`,
        );
      }
      for (const c of columns) {
        if (!kafkaPrimitive(c.type.kind)) {
          throw new UnsupportedFormatError(`The 'KAFKA' format does not support type '${baseTypeName(c.type)}'`);
        }
      }
      return;
    case 'DELIMITED':
      for (const c of columns) {
        const k = c.type.kind;
        if (k === 'ARRAY' || k === 'MAP' || k === 'STRUCT') {
          throw new UnsupportedFormatError(`The 'DELIMITED' format does not support type '${k}', column: \`${c.name}\``);
        }
      }
      return;
    case 'JSON':
      if (columns.some((c) => hasNonStringMapKey(c.type))) {
        throw new UnsupportedFormatError('JSON only supports MAP types with STRING keys');
      }
      return;
    case 'AVRO':
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR':
    case 'JSON_SR':
      throw new UnsupportedFormatError(`format ${format} is not supported yet`);
    default:
      assertNever(format, 'format');
  }
}

/** ksqlDB's SqlBaseType names, as its format messages print them. */
function baseTypeName(t: SqlType): string {
  return t.kind === 'INT' ? 'INTEGER' : t.kind;
}

function columnList(columns: readonly SerdeColumn[], role: SerdeRole): string {
  const suffix = role === 'key' ? ' KEY' : '';
  return '[' + columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${suffix}`).join(', ') + ']';
}


function hasNonStringMapKey(t: SqlType): boolean {
  switch (t.kind) {
    case 'MAP':
      return t.key.kind !== 'STRING' || hasNonStringMapKey(t.value);
    case 'ARRAY':
      return hasNonStringMapKey(t.element);
    case 'STRUCT':
      return t.fields.some((f) => hasNonStringMapKey(f.type));
    default:
      return false;
  }
}

// CREATE [OR REPLACE] [SOURCE] STREAM|TABLE name (elements) WITH (...): a catalog entry and
// the topic it reads. Whether the topic exists is the runtime's question.

import type { CreateSource } from '../../grammar/ast.js';
import type { Catalog, ColumnInfo, SourceInfo } from '../catalog.js';
import { SemanticError } from '../errors.js';
import { UNSUPPORTED_FORMATS, type FormatName } from '../formats.js';
import { parseSourceProperties } from '../properties.js';
import { resolveType } from '../resolve-type.js';
import { arrayType, BYTES, STRING, structType, typesEqual, formatType } from '../types.js';
import { isReservedColumnName } from '../pseudo-columns.js';
import type { PlannerConfig } from '../config.js';

export interface TopicRequest {
  readonly name: string;
  /** Set when the statement asks for the topic to be created (PARTITIONS given). */
  readonly partitions: number | undefined;
  readonly replicas: number | undefined;
  readonly retentionMs: number | undefined;
}

export interface CreateSourcePlan {
  readonly source: SourceInfo;
  readonly topic: TopicRequest;
}

export const HEADERS_TYPE = arrayType(
  structType([
    { name: 'KEY', type: STRING },
    { name: 'VALUE', type: BYTES },
  ]),
);

export function checkFormatSupported(format: FormatName, span: CreateSource['span']): void {
  if (UNSUPPORTED_FORMATS.has(format)) {
    throw new SemanticError(`The ${format} format needs a schema registry, which Sluice does not support yet`, span);
  }
}

/**
 * Options a format can't honour: delimiters outside DELIMITED, and wrapping single values in
 * formats that are always unwrapped (KAFKA, DELIMITED).
 */
export function checkFormatOptions(
  props: { valueDelimiter?: string; keyDelimiter?: string; wrapSingleValue?: boolean },
  keyFormat: FormatName,
  valueFormat: FormatName,
  span: CreateSource['span'],
): void {
  if (props.valueDelimiter !== undefined && valueFormat !== 'DELIMITED') {
    throw new SemanticError(`${valueFormat} does not support the following configs: [delimiter]`, span);
  }
  if (props.keyDelimiter !== undefined && keyFormat !== 'DELIMITED') {
    throw new SemanticError(`${keyFormat} does not support the following configs: [delimiter]`, span);
  }
  if (props.wrapSingleValue === true && (valueFormat === 'KAFKA' || valueFormat === 'DELIMITED')) {
    throw new SemanticError(`Format '${valueFormat}' does not support 'WRAP_SINGLE_VALUE' set to 'true'.`, span);
  }
}

export function analyzeCreateSource(
  stmt: CreateSource,
  text: string,
  catalog: Catalog,
  config: PlannerConfig,
): CreateSourcePlan {
  const props = parseSourceProperties(stmt.properties);
  const kind = stmt.sourceType === 'STREAM' ? 'stream' : 'table';
  const existing = catalog.source(stmt.name);
  if (existing && !stmt.ifNotExists && !stmt.orReplace) {
    throw new SemanticError(
      `Cannot add ${kind} '${stmt.name}': A ${existing.type === 'STREAM' ? 'stream' : 'table'} with the same name already exists`,
      stmt.span,
    );
  }
  if (stmt.orReplace && (stmt.isSource || existing?.isSource)) {
    throw new SemanticError(
      `Cannot add ${kind} '${stmt.name}': CREATE OR REPLACE is not supported on source ${kind}s.`,
      stmt.span,
    );
  }
  if (!props.kafkaTopic) {
    throw new SemanticError('Missing required property "KAFKA_TOPIC" in the WITH clause', stmt.span);
  }
  const valueFormat = props.valueFormat ?? config.defaultValueFormat;
  if (!valueFormat) {
    throw new SemanticError(
      'Statement is missing the \'VALUE_FORMAT\' property from the WITH clause. Either provide one or set a default via the \'ksql.persistence.default.format.value\' config.',
      stmt.span,
    );
  }
  const columns: ColumnInfo[] = [];
  const seen = new Set<string>();
  for (const el of stmt.elements) {
    if (isReservedColumnName(el.name)) {
      throw new SemanticError(`'${el.name}' is a reserved column name.`, el.span);
    }
    if (seen.has(el.name)) throw new SemanticError(`Duplicate column names: ${el.name}`, el.span);
    seen.add(el.name);
    const type = resolveType(el.type, (n) => catalog.customType(n));
    switch (el.constraint.kind) {
      case 'Key':
        if (stmt.sourceType === 'TABLE') {
          throw new SemanticError(`Column \`${el.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`, el.span);
        }
        columns.push({ name: el.name, type, role: 'KEY' });
        break;
      case 'PrimaryKey':
        if (stmt.sourceType === 'STREAM') {
          throw new SemanticError(`Column \`${el.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`, el.span);
        }
        columns.push({ name: el.name, type, role: 'KEY' });
        break;
      case 'Headers':
        if (!typesEqual(type, HEADERS_TYPE)) {
          throw new SemanticError(
            `Invalid type for HEADERS column: expected ${formatType(HEADERS_TYPE)}, got ${formatType(type)}`,
            el.span,
          );
        }
        if (columns.some((c) => c.role === 'HEADERS' || c.role === 'HEADER')) {
          throw new SemanticError('Schema already contains a HEADERS column.', el.span);
        }
        columns.push({ name: el.name, type, role: 'HEADERS' });
        break;
      case 'Header':
        if (type.kind !== 'BYTES') {
          throw new SemanticError(`Invalid type for HEADER('${el.constraint.key}') column: expected BYTES, got ${formatType(type)}`, el.span);
        }
        if (columns.some((c) => c.role === 'HEADERS')) {
          throw new SemanticError('Schema already contains a HEADERS column.', el.span);
        }
        columns.push({ name: el.name, type, role: 'HEADER', headerKey: el.constraint.key });
        break;
      case 'None':
        columns.push({ name: el.name, type, role: 'VALUE' });
        break;
    }
  }
  // ksqlDB's logical schema lists key columns first, whatever the declaration order.
  columns.sort((a, b) => (a.role === 'KEY' ? 0 : 1) - (b.role === 'KEY' ? 0 : 1));
  const keys = columns.filter((c) => c.role === 'KEY');
  if (stmt.sourceType === 'TABLE' && keys.length === 0) {
    throw new SemanticError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.', stmt.span);
  }
  if (props.windowType && keys.length === 0) {
    throw new SemanticError('Windowed sources require a key column.', stmt.span);
  }
  // A keyless source still gets the default key format (NONE only when asked for): it is what
  // queries re-keying it inherit.
  const keyFormat: FormatName = props.keyFormat ?? config.defaultKeyFormat;
  checkFormatSupported(keyFormat, stmt.span);
  checkFormatSupported(valueFormat, stmt.span);
  const valueCols = columns.filter((c) => c.role === 'VALUE');
  if (props.wrapSingleValue !== undefined && valueCols.length !== 1) {
    throw new SemanticError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas", stmt.span);
  }
  checkFormatOptions(props, keyFormat, valueFormat, stmt.span);
  if (props.windowType && props.windowType !== 'SESSION' && props.windowSize === undefined) {
    throw new SemanticError(`${props.windowType} windows require 'WINDOW_SIZE' to be provided in the WITH clause.`, stmt.span);
  }
  if (props.windowType === 'SESSION' && props.windowSize !== undefined) {
    throw new SemanticError("'WINDOW_SIZE' should not be set for SESSION windows.", stmt.span);
  }
  let timestampColumn: string | undefined;
  if (props.timestamp !== undefined) {
    const name = props.timestamp.toUpperCase() === props.timestamp ? props.timestamp : props.timestamp.toUpperCase();
    const col = columns.find((c) => c.name === name) ?? columns.find((c) => c.name === props.timestamp);
    if (!col) throw new SemanticError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name}'`, stmt.span);
    const ok =
      col.type.kind === 'BIGINT' || col.type.kind === 'TIMESTAMP' || (col.type.kind === 'STRING' && props.timestampFormat !== undefined);
    if (!ok) {
      throw new SemanticError(
        `Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
        stmt.span,
      );
    }
    timestampColumn = col.name;
  }
  const source: SourceInfo = {
    name: stmt.name,
    type: stmt.sourceType,
    topic: props.kafkaTopic,
    keyFormat,
    valueFormat,
    keyFormatOptions: props.keyDelimiter !== undefined ? { delimiter: props.keyDelimiter } : {},
    valueFormatOptions: {
      ...(props.valueDelimiter !== undefined ? { delimiter: props.valueDelimiter } : {}),
      ...(valueCols.length === 1 ? { wrapSingleValue: props.wrapSingleValue ?? config.wrapSingleValues } : {}),
    },
    columns,
    windowType: props.windowType,
    windowSize: props.windowSize,
    timestampColumn,
    timestampFormat: props.timestampFormat,
    isSource: stmt.isSource,
    sql: text,
  };
  return {
    source,
    topic: {
      name: props.kafkaTopic,
      partitions: props.partitions,
      replicas: props.replicas,
      retentionMs: props.retentionMs,
    },
  };
}

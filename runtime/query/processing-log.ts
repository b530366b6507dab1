// The SLUICE_PROCESSING_LOG stream: one JSON record per record a query could not process.
// Written in the same commit as the query's outputs, so it is exactly-once too.

import type { ColumnInfo, SourceInfo } from '../../planner/catalog.js';
import { BIGINT, INT, STRING } from '../../planner/types.js';
import type { ProducerRecord } from '../log/log.js';
import type { ProcessingError } from './errors.js';

export const PROCESSING_LOG_STREAM = 'SLUICE_PROCESSING_LOG';
export const PROCESSING_LOG_TOPIC = 'sluice_processing_log';

const columns: ColumnInfo[] = [
  { name: 'QUERY_ID', type: STRING, role: 'VALUE' },
  { name: 'TOPIC', type: STRING, role: 'VALUE' },
  { name: 'PARTITION', type: INT, role: 'VALUE' },
  { name: 'OFFSET', type: BIGINT, role: 'VALUE' },
  { name: 'ERROR_KIND', type: STRING, role: 'VALUE' },
  { name: 'MESSAGE', type: STRING, role: 'VALUE' },
];

export const PROCESSING_LOG_SOURCE: SourceInfo = {
  name: PROCESSING_LOG_STREAM,
  type: 'STREAM',
  topic: PROCESSING_LOG_TOPIC,
  keyFormat: 'NONE',
  valueFormat: 'JSON',
  keyFormatOptions: {},
  valueFormatOptions: {},
  columns,
  windowType: undefined,
  windowSize: undefined,
  timestampColumn: undefined,
  timestampFormat: undefined,
  isSource: false,
  sql: `CREATE STREAM ${PROCESSING_LOG_STREAM} (QUERY_ID STRING, TOPIC STRING, \`PARTITION\` INT, \`OFFSET\` BIGINT, ERROR_KIND STRING, MESSAGE STRING) WITH (KAFKA_TOPIC='${PROCESSING_LOG_TOPIC}', VALUE_FORMAT='JSON', KEY_FORMAT='NONE');`,
};

export function processingLogRecord(queryId: string, e: ProcessingError): ProducerRecord {
  const value = {
    QUERY_ID: queryId,
    TOPIC: e.record.topic,
    PARTITION: e.record.partition,
    OFFSET: e.record.offset,
    ERROR_KIND: e.kind,
    MESSAGE: e.message,
  };
  return { timestamp: Date.now(), key: null, value: Buffer.from(JSON.stringify(value)) };
}

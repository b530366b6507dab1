// Rows to sink records: serialise key and value with the sink's formats, and pick the record
// timestamp (the input's, or the sink's TIMESTAMP column).

import type { SinkStep } from '../../planner/steps.js';
import type { ProducerRecord } from '../log/log.js';
import type { EmitMeta } from './row-pipeline.js';
import type { Catalog } from '../../planner/catalog.js';
import { InvalidTimestampError, timestampReader } from './timestamp-column.js';
import { createSerde } from '../serde/index.js';
import { isWindowedKeySerde } from '../serde/windowed.js';
import { keySerdeFor } from './source-decoder.js';

export interface SinkEncoder {
  /** Input headers are carried to the output, as Kafka Streams forwards them. */
  encode(key: unknown[], value: unknown[] | null, meta: EmitMeta): ProducerRecord;
}

export { InvalidTimestampError };

export function buildSinkEncoder(sink: SinkStep, catalog: Catalog): SinkEncoder {
  const cols = sink.schema.columns;
  const keyCols = cols.filter((c) => c.role === 'KEY');
  const valueCols = cols.filter((c) => c.role !== 'KEY');
  const keySerde = keySerdeFor(sink, keyCols);
  const windowed = sink.windowType !== undefined;
  // Writes key and window bounds without a row built for them (one per emitted change).
  const windowedKey = isWindowedKeySerde(keySerde) ? keySerde : undefined;
  const valueSerde = createSerde(sink.formats.valueFormat, valueCols, sink.formats.valueFormatOptions, 'value');
  const tsKey = sink.timestampColumn !== undefined ? keyCols.findIndex((c) => c.name === sink.timestampColumn) : -1;
  const tsValue = sink.timestampColumn !== undefined ? valueCols.findIndex((c) => c.name === sink.timestampColumn) : -1;
  const tsCol = tsKey >= 0 ? keyCols[tsKey] : tsValue >= 0 ? valueCols[tsValue] : undefined;
  const readTs = tsCol ? timestampReader(tsCol.name, tsCol.type, sink.timestampFormat, catalog) : undefined;
  return {
    encode(key, value, meta) {
      const window = meta.window;
      let ts = meta.timestamp;
      if (readTs && (tsKey >= 0 || value !== null)) ts = readTs(tsKey >= 0 ? key[tsKey] : value![tsValue]);
      const nullKey = keyCols.length === 0 || meta.nullKey;
      return {
        timestamp: ts,
        key: nullKey && !windowed ? null : windowedKey ? windowedKey.serializeParts(key, window?.[0] ?? null, window?.[1] ?? null) : keySerde.serialize(key),
        value: valueSerde.serialize(value),
        headers: meta.record.headers,
      };
    },
  };
}

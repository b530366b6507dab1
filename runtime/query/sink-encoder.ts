// Rows to sink records: serialise key and value with the sink's formats, and pick the record
// timestamp (the input's, or the sink's TIMESTAMP column).

import type { SinkStep } from '../../planner/steps.js';
import type { ProducerRecord } from '../log/log.js';
import type { EmitMeta } from './row-pipeline.js';
import { createSerde } from '../serde/index.js';
import { keySerdeFor } from './source-decoder.js';

export interface SinkEncoder {
  /** Input headers are carried to the output, as Kafka Streams forwards them. */
  encode(key: unknown[], value: unknown[] | null, meta: EmitMeta): ProducerRecord;
}

export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

export function buildSinkEncoder(sink: SinkStep): SinkEncoder {
  const cols = sink.schema.columns;
  const keyCols = cols.filter((c) => c.role === 'KEY');
  const valueCols = cols.filter((c) => c.role !== 'KEY');
  const keySerde = keySerdeFor(sink, keyCols);
  const windowed = sink.windowType !== undefined;
  const valueSerde = createSerde(sink.formats.valueFormat, valueCols, sink.formats.valueFormatOptions, 'value');
  const tsKey = sink.timestampColumn !== undefined ? keyCols.findIndex((c) => c.name === sink.timestampColumn) : -1;
  const tsValue = sink.timestampColumn !== undefined ? valueCols.findIndex((c) => c.name === sink.timestampColumn) : -1;
  return {
    encode(key, value, meta) {
      const window = meta.window;
      let ts = meta.timestamp;
      const v = tsKey >= 0 ? key[tsKey] : tsValue >= 0 && value !== null ? value[tsValue] : undefined;
      if (typeof v === 'bigint') ts = Number(v);
      else if (typeof v === 'number') ts = v;
      if (ts < 0) throw new InvalidTimestampError(`Invalid (negative) timestamp ${ts} from column ${sink.timestampColumn}`);
      const nullKey = keyCols.length === 0 || meta.nullKey;
      return {
        timestamp: ts,
        key: nullKey && !windowed ? null : keySerde.serialize(windowed ? [...key, window?.[0] ?? null, window?.[1] ?? null] : key),
        value: valueSerde.serialize(value),
        headers: meta.record.headers,
      };
    },
  };
}

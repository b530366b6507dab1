// Turns a log record into a source row: declared columns (key, value, headers), then
// ROWTIME, ROWPARTITION, ROWOFFSET, then WINDOWSTART/WINDOWEND on windowed sources.

import type { Catalog } from '../../planner/catalog.js';
import type { StreamSource, TableSource } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { createSerde, windowedKeySerde } from '../serde/index.js';
import type { RowSerde } from '../serde/serde.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { timestampReader } from './timestamp-column.js';

export interface DecodedRow {
  readonly row: unknown[];
  readonly timestamp: number;
  /** True for a table record with a null value: the key's row is deleted. */
  readonly tombstone: boolean;
  /** WINDOWSTART / WINDOWEND of a windowed source's key. */
  readonly window: readonly [bigint | null, bigint | null] | null;
  /** The record had no key at all (null key bytes), as opposed to a key of null columns. */
  readonly nullKey: boolean;
}

export type SourceDecoder = (rec: LogRecord, errors: ErrorSink) => DecodedRow | null;

export function keySerdeFor(step: {
  formats: StreamSource['formats'];
  windowType: StreamSource['windowType'];
  windowSize: StreamSource['windowSize'];
}, keyCols: readonly { name: string; type: StreamSource['schema']['columns'][number]['type'] }[]): RowSerde {
  const inner = createSerde(step.formats.keyFormat, keyCols, step.formats.keyFormatOptions, 'key');
  return step.windowType ? windowedKeySerde(inner, step.windowType, step.windowSize) : inner;
}

/**
 * `reads`: the columns the query reads (by name), when known. ROWTIME and ROWOFFSET are BIGINTs,
 * a heap allocation each per record, so they are only made when read; unread they stay null.
 */
export function buildSourceDecoder(step: StreamSource | TableSource, catalog: Catalog, reads?: ReadonlySet<string>): SourceDecoder {
  const cols = step.schema.columns;
  const keyIdx: number[] = [];
  const valueIdx: number[] = [];
  const headerCols: { idx: number; key: string | undefined }[] = [];
  cols.forEach((c, i) => {
    if (c.role === 'KEY') keyIdx.push(i);
    else if (c.role === 'VALUE') valueIdx.push(i);
    else if (c.role === 'HEADERS') headerCols.push({ idx: i, key: undefined });
    else if (c.role === 'HEADER') headerCols.push({ idx: i, key: c.headerKey });
  });
  const keySerde = keySerdeFor(step, keyIdx.map((i) => cols[i]!));
  const valueSerde = createSerde(
    step.formats.valueFormat,
    valueIdx.map((i) => cols[i]!),
    step.formats.valueFormatOptions,
    'value',
  );
  const width = cols.length;
  const rowtimeIdx = cols.findIndex((c) => c.role === 'PSEUDO' && c.name === 'ROWTIME');
  // By name: a source over an internal repartition topic carries the original ROWPARTITION and
  // ROWOFFSET as value columns, which the record's own must not overwrite (planner/repartition.ts).
  const partitionIdx = cols.findIndex((c) => c.role === 'PSEUDO' && c.name === 'ROWPARTITION');
  const offsetIdx = cols.findIndex((c) => c.role === 'PSEUDO' && c.name === 'ROWOFFSET');
  const makeRowtime = reads === undefined || reads.has('ROWTIME');
  const makeRowoffset = reads === undefined || reads.has('ROWOFFSET');
  const windowed = step.windowType !== undefined;
  const nKeys = keyIdx.length;
  const isTable = step.kind === 'TableSource';
  const tsIdx = step.timestampColumn !== undefined ? cols.findIndex((c) => c.name === step.timestampColumn) : -1;
  const readTs = tsIdx >= 0 ? timestampReader(step.timestampColumn!, cols[tsIdx]!.type, step.timestampFormat, catalog) : undefined;

  return (rec, errors) => {
    const row = new Array<unknown>(width);
    let keyRow: unknown[] | null;
    let valueRow: unknown[] | null;
    try {
      keyRow = keySerde.deserialize(rec.key);
    } catch (e) {
      errors({ kind: 'DESERIALIZATION', message: `Failed to deserialize key from topic ${rec.topic}: ${errorMessage(e)}`, record: rec });
      return null;
    }
    try {
      valueRow = valueSerde.deserialize(rec.value);
    } catch (e) {
      errors({ kind: 'DESERIALIZATION', message: `Failed to deserialize value from topic ${rec.topic}: ${errorMessage(e)}`, record: rec });
      return null;
    }
    const tombstone = rec.value === null || (valueRow === null && valueIdx.length > 0);
    // A table row needs its PRIMARY KEY: ksqlDB drops table records without one.
    if (isTable && nKeys > 0 && (keyRow === null || keyRow.slice(0, nKeys).every((k) => k === null))) return null;
    for (let i = 0; i < nKeys; i++) row[keyIdx[i]!] = keyRow === null ? null : (keyRow[i] ?? null);
    for (let i = 0; i < valueIdx.length; i++) row[valueIdx[i]!] = valueRow === null ? null : (valueRow[i] ?? null);
    for (const h of headerCols) {
      if (h.key === undefined) {
        row[h.idx] = rec.headers.map((x) => ({ KEY: x.key, VALUE: x.value }));
      } else {
        let v: Buffer | null = null;
        for (const x of rec.headers) if (x.key === h.key) v = x.value;
        row[h.idx] = v;
      }
    }
    let timestamp = rec.timestamp;
    if (readTs && !tombstone) {
      try {
        timestamp = readTs(row[tsIdx]);
      } catch (e) {
        errors({ kind: 'TIMESTAMP', message: errorMessage(e), record: rec });
        return null;
      }
    }
    row[rowtimeIdx] = makeRowtime ? BigInt(timestamp) : null;
    if (partitionIdx >= 0) row[partitionIdx] = rec.partition;
    if (offsetIdx >= 0) row[offsetIdx] = makeRowoffset ? BigInt(rec.offset) : null;
    let window: DecodedRow['window'] = null;
    if (windowed && keyRow !== null) {
      window = [toBig(keyRow[nKeys]), toBig(keyRow[nKeys + 1])];
      row[rowtimeIdx + 3] = window[0];
      row[rowtimeIdx + 4] = window[1];
    }
    return { row, timestamp, tombstone, window, nullKey: rec.key === null };
  };
}

function toBig(v: unknown): bigint | null {
  return v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(v as number);
}

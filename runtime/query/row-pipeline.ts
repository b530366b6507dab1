// The stateless part of a query, fused into one function per record: decode the source
// record, filter, compute the key and value columns. ksqlDB's semantics for failures:
// a record that can't be decoded is skipped; an expression that throws yields null for its
// column (and a predicate that throws rejects the row); both are reported.

import { assertNever } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import { formatExpression } from '../../planner/format-expression.js';
import type { SelectItem, Step, StepSchema, StreamSource, TableSource } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver, type RowFn } from './expressions.js';
import { buildSourceDecoder, type DecodedRow } from './source-decoder.js';

/** What an output row carries besides its columns. */
export interface EmitMeta {
  readonly timestamp: number;
  readonly record: LogRecord;
  readonly window: readonly [bigint | null, bigint | null] | null;
  /**
   * The output key is absent, not a key of null columns: the input had no key and the query
   * passes keys through unchanged (no PARTITION BY), as ksqlDB keeps a null key null.
   */
  readonly nullKey: boolean;
}

export type RowEmitter = (key: unknown[], value: unknown[] | null, meta: EmitMeta) => void;

export interface RowPipeline {
  readonly source: StreamSource | TableSource;
  readonly schema: StepSchema;
  process(rec: LogRecord, errors: ErrorSink, emit: RowEmitter): void;
}

interface Parts {
  source?: StreamSource | TableSource;
  predicates: Step[];
  rekeyed?: boolean;
  items?: readonly SelectItem[];
  schema?: StepSchema;
}

function collect(step: Step, parts: Parts): void {
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
      parts.source = step;
      return;
    case 'StreamFilter':
    case 'TableFilter':
      collect(step.input, parts);
      parts.predicates.push(step);
      return;
    case 'StreamSelectKey':
      // The projection marks which items form the new key; nothing to compute here.
      collect(step.input, parts);
      parts.rekeyed = true;
      return;
    case 'StreamSelect':
    case 'TableSelect':
      collect(step.input, parts);
      parts.items = step.items;
      parts.schema = step.schema;
      return;
    case 'StreamSink':
    case 'TableSink':
      collect(step.input, parts);
      return;
    default:
      assertNever(step, 'step');
  }
}

export function buildRowPipeline(root: Step, catalog: Catalog): RowPipeline {
  const parts: Parts = { predicates: [] };
  collect(root, parts);
  const source = parts.source!;
  const items = parts.items!;
  const inSchema = source.schema;
  const quals = [source.alias, source.source];
  const decode = buildSourceDecoder(source, catalog);
  const predicates = parts.predicates.map((p) => {
    const expr = (p as { predicate: import('../../grammar/ast.js').Expression }).predicate;
    return { fn: compileOver(expr, inSchema, quals, catalog).fn, text: formatExpression(expr) };
  });
  const keyFns: { fn: RowFn; name: string }[] = [];
  const valueFns: { fn: RowFn; name: string }[] = [];
  for (const item of items) {
    const compiled = { fn: compileOver(item.expr, inSchema, quals, catalog).fn, name: item.name };
    (item.key ? keyFns : valueFns).push(compiled);
  }
  const isTable = source.kind === 'TableSource';
  const rekeyed = parts.rekeyed;
  const meta = (d: DecodedRow, record: LogRecord): EmitMeta => ({
    timestamp: d.timestamp,
    record,
    window: d.window,
    nullKey: d.nullKey && !rekeyed,
  });
  const nKeys = keyFns.length;
  const nValues = valueFns.length;

  return {
    source,
    schema: parts.schema!,
    process(rec, errors, emit) {
      const decoded = decode(rec, errors);
      if (decoded === null) return;
      const row = decoded.row;
      const key = new Array<unknown>(nKeys);
      const computeKey = () => {
        for (let i = 0; i < nKeys; i++) {
          try {
            const v = keyFns[i]!.fn(row);
            key[i] = v === undefined ? null : v;
          } catch (e) {
            key[i] = null;
            errors({ kind: 'EXPRESSION', message: `Error computing key column ${keyFns[i]!.name}: ${errorMessage(e)}`, record: rec });
          }
        }
      };
      if (decoded.tombstone) {
        // A null value passes through as a null value (a table's delete, a stream's
        // tombstone), keyed as the query keys it; a stream filter drops it, as ksqlDB does.
        if (!isTable && predicates.length > 0) return;
        computeKey();
        emit(key, null, meta(decoded, rec));
        return;
      }
      for (const p of predicates) {
        let ok: unknown;
        try {
          ok = p.fn(row);
        } catch (e) {
          ok = false;
          errors({ kind: 'EXPRESSION', message: `Error evaluating predicate ${p.text}: ${errorMessage(e)}`, record: rec });
        }
        if (ok !== true) {
          // A table row that stops matching is deleted downstream: ksqlDB emits a tombstone.
          if (isTable) {
            computeKey();
            emit(key, null, meta(decoded, rec));
          }
          return;
        }
      }
      computeKey();
      const value = new Array<unknown>(nValues);
      for (let i = 0; i < nValues; i++) {
        try {
          const v = valueFns[i]!.fn(row);
          value[i] = v === undefined ? null : v;
        } catch (e) {
          value[i] = null;
          errors({ kind: 'EXPRESSION', message: `Error computing column ${valueFns[i]!.name}: ${errorMessage(e)}`, record: rec });
        }
      }
      emit(key, value, meta(decoded, rec));
    },
  };
}

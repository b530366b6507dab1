// The stateless part of a query, fused into one function per record: decode the source
// record, filter, compute the key and value columns. (Its one piece of state: which keys a
// WHERE on a table has passed, see `passed`.) ksqlDB's semantics for failures:
// a record that can't be decoded is skipped; an expression that throws yields null for its
// column (and a predicate that throws rejects the row); both are reported.

import type { FunctionCall } from '../../grammar/ast.js';
import { schemaScope } from '../../planner/analyze/schema-scope.js';
import { typeTableFunctionCall } from '../../planner/expressions/typer.js';
import type { Catalog } from '../../planner/catalog.js';
import { formatExpression } from '../../planner/format-expression.js';
import type { Step } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver, type RowFn } from './expressions.js';
import { compileArgs, makeTableFunction } from './function-calls.js';
import { buildSourceDecoder, type DecodedRow } from './source-decoder.js';
import { planParts } from './plan-parts.js';
import { referencedColumns } from './referenced-columns.js';
import type { Pipeline } from './pipeline.js';
import type { KeyValueStore } from '../state/kv-store.js';
import type { StoreOpener } from '../state/storage.js';
import { encodeKey, openStore } from './stores.js';

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


export function buildRowPipeline(root: Step, catalog: Catalog, stores: StoreOpener | undefined, storeName: string): Pipeline {
  const parts = planParts(root);
  if (parts.aggregate || parts.join) throw new Error('aggregations and joins run in their own pipelines');
  const source = parts.source;
  const items = parts.items;
  const inSchema = source.schema;
  const selectSchema = parts.selectSchema ?? inSchema;
  const quals = [source.alias, source.source];
  const decode = buildSourceDecoder(source, catalog, referencedColumns(root));
  const predicates = parts.predicates.map((expr) => ({
    fn: compileOver(expr, inSchema, quals, catalog).fn,
    text: formatExpression(expr),
  }));
  const env = { functions: catalog.functions, resolveType: (n: string) => catalog.customType(n) };
  const scope = schemaScope(inSchema, quals);
  const flatMaps = parts.tableFunctions.map((t) => {
    const typed = typeTableFunctionCall(t.call as FunctionCall, scope, env);
    return { args: compileArgs(typed, catalog.functions), fn: makeTableFunction(typed, catalog.functions), text: formatExpression(t.call) };
  });
  const keyFns: { fn: RowFn; name: string }[] = [];
  const valueFns: { fn: RowFn; name: string }[] = [];
  for (const item of items) {
    const compiled = { fn: compileOver(item.expr, selectSchema, quals, catalog).fn, name: item.name };
    (item.key ? keyFns : valueFns).push(compiled);
  }
  const isTable = source.kind === 'TableSource';
  // A WHERE on a table deletes a row downstream only when the row was in the result: a row
  // that never passed, or the source's delete of one, sends nothing. This is ksqlDB's
  // behaviour (Kafka Streams' table filter reads the old value from the materialised source);
  // here the filter remembers which keys it passed, in a store that commits with the query.
  const passed = isTable && predicates.length > 0 ? openStore(stores, `${storeName}_filter`) : undefined;
  const rowtimeIdx = inSchema.columns.findIndex((c) => c.role === 'PSEUDO' && c.name === 'ROWTIME');
  const rekeyed = parts.rekeyed;
  const meta = (d: DecodedRow, record: LogRecord): EmitMeta => ({
    timestamp: d.timestamp,
    record,
    window: d.window,
    nullKey: d.nullKey && !rekeyed,
  });

  // Sub-expressions that fail become null inside an expression (as in ksqlDB); they are still
  // reported. One sink per pipeline, pointed at the record being processed.
  let nestedRec: LogRecord | undefined;
  let nestedErrors: ErrorSink | undefined;
  const nested = (e: unknown, where: string) =>
    nestedErrors?.({ kind: 'EXPRESSION', message: `Error in ${where}: ${errorMessage(e)}`, record: nestedRec! });

  /** Evaluates columns; a column whose expression throws is null, and the error is reported. */
  const evaluate = (fns: readonly { fn: RowFn; name: string }[], row: readonly unknown[], rec: LogRecord, errors: ErrorSink) => {
    const out = new Array<unknown>(fns.length);
    nestedRec = rec;
    nestedErrors = errors;
    for (let i = 0; i < fns.length; i++) {
      try {
        const v = fns[i]!.fn(row, nested);
        out[i] = v === undefined ? null : v;
      } catch (e) {
        out[i] = null;
        errors({ kind: 'EXPRESSION', message: `Error computing column ${fns[i]!.name}: ${errorMessage(e)}`, record: rec });
      }
    }
    return out;
  };

  return {
    source,
    topics: [source.topic],
    schema: parts.schema,
    process(rec, errors, emit) {
      const decoded = decode(rec, errors);
      if (decoded !== null) run(decoded, rec, errors, emit, passed);
    },
    processRow(row, rec, errors, emit) {
      // A pull query's rows are a snapshot, not a changelog: nothing to remember.
      run({ row, timestamp: Number(row[rowtimeIdx] ?? 0), tombstone: false, window: null, nullKey: false }, rec, errors, emit, undefined);
    },
    ...(passed
      ? { flushState: () => passed.flush(), discardState: () => passed.discard(), destroyState: () => passed.destroy() }
      : {}),
  };

  /** A table row leaves the result: a tombstone, unless the filter never passed its key. */
  function remove(decoded: DecodedRow, rec: LogRecord, errors: ErrorSink, emit: RowEmitter, memory: KeyValueStore | undefined): void {
    const key = evaluate(keyFns, decoded.row, rec, errors);
    if (memory) {
      const k = encodeKey(key);
      if (memory.get(k) === undefined) return;
      memory.delete(k);
    }
    emit(key, null, meta(decoded, rec));
  }

  function run(decoded: DecodedRow, rec: LogRecord, errors: ErrorSink, emit: RowEmitter, memory: KeyValueStore | undefined): void {
    const row = decoded.row;
    if (decoded.tombstone) {
      // A null value passes through as a null value (a table's delete, a stream's
      // tombstone), keyed as the query keys it; a stream filter drops it, as ksqlDB does.
      if (!isTable && (predicates.length > 0 || flatMaps.length > 0)) return;
      remove(decoded, rec, errors, emit, memory);
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
        // A table row that stops matching is deleted downstream.
        if (isTable) remove(decoded, rec, errors, emit, memory);
        return;
      }
    }
    if (flatMaps.length === 0) {
      const key = evaluate(keyFns, row, rec, errors);
      if (memory) {
        // An update of a row already in the result changes nothing to remember: no write.
        const k = encodeKey(key);
        if (memory.get(k) === undefined) memory.put(k, true);
      }
      emit(key, evaluate(valueFns, row, rec, errors), meta(decoded, rec));
      return;
    }
    // Several table functions are zipped: as many rows as the longest result, the shorter
    // ones padded with nulls.
    const results: (readonly unknown[])[] = flatMaps.map((f) => {
      try {
        return f.fn(...f.args(row)) ?? [];
      } catch (e) {
        errors({ kind: 'EXPRESSION', message: `Error in table function ${f.text}: ${errorMessage(e)}`, record: rec });
        return [];
      }
    });
    const n = Math.max(0, ...results.map((r) => r.length));
    const m = meta(decoded, rec);
    for (let i = 0; i < n; i++) {
      const ext = row.concat(results.map((r) => (i < r.length ? (r[i] ?? null) : null)));
      emit(evaluate(keyFns, ext, rec, errors), evaluate(valueFns, ext, rec, errors), m);
    }
  }
}

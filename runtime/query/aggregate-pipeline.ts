// GROUP BY aggregation, optionally windowed: decode, filter, group, aggregate into a state
// store, then HAVING and the projection over the aggregate row. With record caching off (as
// ksqlDB's tests run), every input record emits the updated row of each group it touches.

import type { FunctionCall } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import { schemaScope } from '../../planner/analyze/schema-scope.js';
import { typeAggregateCall } from '../../planner/expressions/typer.js';
import { formatExpression } from '../../planner/format-expression.js';
import type { AggregateImpl } from '../../planner/functions.js';
import type { Step } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { tagBigint, type KeyValueStore } from '../state/kv-store.js';
import type { StoreOpener } from '../state/storage.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver, type RowFn } from './expressions.js';
import { compileArgs, makeAggregate } from './function-calls.js';
import type { Pipeline } from './pipeline.js';
import type { EmitMeta, RowEmitter } from './row-pipeline.js';
import { buildSourceDecoder, type DecodedRow } from './source-decoder.js';
import { planParts } from './plan-parts.js';
import { buildJoinRows } from './join-pipeline.js';
import { referencedColumns } from './referenced-columns.js';
import { encodeKey, openStore } from './stores.js';
import { DEFAULT_RETENTION_MS, graceOf, windowStartsFor, WindowTexts } from './windows.js';

export function isAggregation(step: Step): boolean {
  switch (step.kind) {
    case 'StreamAggregate':
    case 'TableAggregate':
      return true;
    case 'StreamSource':
    case 'TableSource':
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
    case 'ForeignKeyTableTableJoin':
      return false;
    default:
      return isAggregation(step.input);
  }
}

interface Agg {
  readonly impl: AggregateImpl;
  readonly args: (row: readonly unknown[]) => unknown[];
}

/** A group's live state: the key values and one accumulator per aggregate. */
interface GroupState {
  key: unknown[];
  accs: unknown[];
  /** Session windows: the session's bounds. */
  start?: number;
  end?: number;
  /** The latest record time in the window: an EMIT FINAL result carries it. */
  lastTs?: number;
}

/** EMIT FINAL: a window waiting to close. Keyed by close time, so a scan finds the closed ones first. */
interface OpenWindow {
  gk: string;
  start: number;
  end: number;
  closeAt: number;
}

/** A table source's previous row per key, kept to retract its contribution on update. */
interface PriorRow {
  group: unknown[];
  args: unknown[][];
}

const tagTopBigint = (v: unknown): unknown => (typeof v === 'bigint' ? tagBigint(v) : v);


export function buildAggregatePipeline(root: Step, catalog: Catalog, stores: StoreOpener | undefined, storeName: string): Pipeline {
  const parts = planParts(root);
  if (!parts.aggregate || parts.rekeyed || parts.tableFunctions.length > 0) {
    throw new Error('PARTITION BY and table functions are not supported before an aggregation');
  }
  const source = parts.source;
  const agg = parts.aggregate;
  // An aggregation over a join reads the joined rows (named without qualifiers), not a source.
  const joinRows = parts.join ? buildJoinRows(parts.join, catalog, stores, `${storeName}_join`, { root, where: parts.predicates }) : undefined;
  const inSchema = parts.join ? parts.join.schema : source.schema;
  const quals = parts.join ? [] : [source.alias, source.source];
  const decode = buildSourceDecoder(source, catalog, referencedColumns(root));
  const env = { functions: catalog.functions, resolveType: (n: string) => catalog.customType(n) };
  const scope = schemaScope(inSchema, quals);
  const predicates = parts.predicates.map((e) => ({ fn: compileOver(e, inSchema, quals, catalog).fn, text: formatExpression(e) }));
  const groupFns = agg.groupBy.map((g) => compileOver(g, inSchema, quals, catalog).fn);
  const aggs: Agg[] = agg.aggregates.map((a) => {
    const typed = typeAggregateCall(a.call as FunctionCall, scope, env);
    return { impl: makeAggregate(typed, catalog.functions), args: compileArgs(typed, catalog.functions) };
  });
  const aggSchema = agg.schema;
  const having = parts.having ? compileOver(parts.having, aggSchema, quals, catalog).fn : undefined;
  const keyFns: RowFn[] = [];
  const valueFns: { fn: RowFn; name: string }[] = [];
  for (const item of parts.items) {
    const f = compileOver(item.expr, aggSchema, quals, catalog).fn;
    if (item.key) keyFns.push(f);
    else valueFns.push({ fn: f, name: item.name });
  }
  const spec = agg.window;
  const isTable = agg.kind === 'TableAggregate';

  const codec = {
    toJson: (v: unknown) => {
      const g = v as GroupState;
      // Keys are tagged here, as encodeState would, so that it takes its fast path.
      return { key: g.key.map(tagTopBigint), accs: g.accs.map((a, i) => aggs[i]!.impl.toState(a)), start: g.start, end: g.end, lastTs: g.lastTs };
    },
    fromJson: (j: unknown) => {
      const g = j as GroupState;
      return { key: g.key, accs: g.accs.map((a, i) => aggs[i]!.impl.fromState(a)), start: g.start, end: g.end, lastTs: g.lastTs };
    },
  };
  const groups = openStore(stores, `${storeName}_groups`, codec);
  // Tagged here, as encodeState would tag them, so that it takes its fast path.
  const priorCodec = {
    toJson: (v: unknown) => {
      const p = v as PriorRow;
      return { group: p.group.map(tagTopBigint), args: p.args.map((a) => a.map(tagTopBigint)) };
    },
    fromJson: (j: unknown) => j,
  };
  const prior = isTable ? openStore(stores, `${storeName}_source`, priorCodec) : undefined;
  /** A table row's PRIMARY KEY values: what its previous contribution is remembered by. */
  const keyIndexes = inSchema.columns.flatMap((c, i) => (c.role === 'KEY' ? [i] : []));
  const sourceKey = (row: readonly unknown[]): unknown[] => {
    const out: unknown[] = [];
    for (const i of keyIndexes) if (row[i] !== undefined) out.push(row[i]);
    return out;
  };
  const meta = openStore(stores, `${storeName}_meta`);
  const emitFinal = agg.emitFinal;
  // Window retention: windows ending before stream time minus retention are deleted from the
  // state (and from the materialised view by its owner). The index orders windows by end.
  const retention = spec ? (spec.retention ?? Math.max(spec.size + graceOf(spec), DEFAULT_RETENTION_MS)) : undefined;
  const byEnd = spec ? openStore(stores, `${storeName}_byend`) : undefined;
  const pad = (n: number) => String(n).padStart(16, '0');
  // Time windows (not sessions, whose bounds vary) share their bounds and padded start.
  const windowTexts = spec && spec.kind !== 'SESSION' ? new WindowTexts(spec.size) : undefined;
  const boundsOf = (start: number, end: number): readonly [bigint, bigint] =>
    windowTexts ? windowTexts.boundsOf(start) : [BigInt(start), BigInt(end)];
  const indexWindow = (gk: string, end: number) => byEnd!.put(`${pad(end)}|${gk}`, gk);
  const trimWindows = () => {
    if (!byEnd || streamTime < 0) return;
    const cutoff = streamTime - retention!;
    if (cutoff <= 0) return;
    for (const [k, gk] of byEnd.scanRange('', pad(cutoff))) {
      byEnd.delete(k);
      groups.delete(gk as string);
    }
  };
  const open = emitFinal ? openStore(stores, `${storeName}_open`) : undefined;
  const openKey = (w: OpenWindow) => `${String(w.closeAt).padStart(16, '0')}|${w.gk}`;
  /** EMIT FINAL: hold a window's result until it closes, instead of emitting each update. */
  const hold = (gk: string, start: number, end: number, closeAt: number) => {
    const w: OpenWindow = { gk, start, end, closeAt };
    open!.put(openKey(w), w);
  };
  /** EMIT FINAL: emit, once, every window whose close time stream time has reached. */
  const release = (rec: LogRecord, errors: ErrorSink, emit: RowEmitter) => {
    for (const [k, v] of open!.scanPrefix('')) {
      const w = v as OpenWindow;
      if (w.closeAt > streamTime) break;
      open!.delete(k);
      const g = groups.get(w.gk) as GroupState | undefined;
      if (g) emitGroup(g, null, [w.start, w.end], rec, g.lastTs ?? w.end, errors, emit);
    }
  };
  let streamTime = (meta.get('streamTime') as number | undefined) ?? -1;
  const stats = { lateRecords: 0 };

  // One aggregate row per emitted change: filled in place rather than spread and mapped.
  const nKeys = agg.groupBy.length;
  const aggRow = (g: GroupState, window: [number, number] | null, bounds?: readonly [bigint, bigint]): unknown[] => {
    const row = new Array<unknown>(nKeys + aggs.length + (spec ? 2 : 0));
    for (let i = 0; i < nKeys; i++) row[i] = g.key[i];
    for (let i = 0; i < aggs.length; i++) row[nKeys + i] = aggs[i]!.impl.result(g.accs[i]);
    if (spec) {
      row[nKeys + aggs.length] = bounds ? bounds[0] : BigInt(window![0]);
      row[nKeys + aggs.length + 1] = bounds ? bounds[1] : BigInt(window![1]);
    }
    return row;
  };
  const passes = (row: unknown[], rec: LogRecord, errors: ErrorSink): boolean => {
    if (!having) return true;
    try {
      return having(row) === true;
    } catch (e) {
      errors({ kind: 'EXPRESSION', message: `Error evaluating HAVING: ${errorMessage(e)}`, record: rec });
      return false;
    }
  };
  const projectKey = (row: unknown[]): unknown[] => {
    const k = new Array<unknown>(keyFns.length);
    for (let i = 0; i < keyFns.length; i++) k[i] = keyFns[i]!(row) ?? null;
    return k;
  };
  const projectValue = (row: unknown[], rec: LogRecord, errors: ErrorSink): unknown[] => {
    const v = new Array<unknown>(valueFns.length);
    for (let i = 0; i < valueFns.length; i++) {
      const { fn, name } = valueFns[i]!;
      try {
        v[i] = fn(row) ?? null;
      } catch (e) {
        errors({ kind: 'EXPRESSION', message: `Error computing column ${name}: ${errorMessage(e)}`, record: rec });
        v[i] = null;
      }
    }
    return v;
  };
  /** Emits a group's new row, or a tombstone when it stops satisfying HAVING. */
  const emitGroup = (
    g: GroupState,
    before: unknown[] | null,
    window: [number, number] | null,
    rec: LogRecord,
    ts: number,
    errors: ErrorSink,
    emit: RowEmitter,
  ) => {
    const bounds = window ? boundsOf(window[0], window[1]) : null;
    const m: EmitMeta = { timestamp: ts, record: rec, window: bounds, nullKey: false };
    const row = aggRow(g, window, bounds ?? undefined);
    if (passes(row, rec, errors)) {
      emit(projectKey(row), projectValue(row, rec, errors), m);
    } else if (before !== null && passes(before, rec, errors)) {
      emit(projectKey(before), null, m);
    }
  };

  const groupValues = (row: unknown[], rec: LogRecord, errors: ErrorSink): unknown[] | null => {
    const out: unknown[] = [];
    for (const f of groupFns) {
      let v: unknown;
      try {
        v = f(row);
      } catch (e) {
        errors({ kind: 'EXPRESSION', message: `Error computing GROUP BY: ${errorMessage(e)}`, record: rec });
        return null;
      }
      // ksqlDB drops rows whose grouping is null: a table can't have a null PRIMARY KEY.
      if (v === null || v === undefined) return null;
      out.push(v);
    }
    return out;
  };

  // Every field present from the start, as fromJson makes them: one object shape (a hot path).
  const fresh = (key: unknown[]): GroupState => ({ key, accs: aggs.map((a) => a.impl.init()), start: undefined, end: undefined, lastTs: undefined });

  const addTo = (g: GroupState, args: unknown[][]) => {
    for (let i = 0; i < aggs.length; i++) g.accs[i] = aggs[i]!.impl.add(g.accs[i], ...args[i]!);
  };
  const undoFrom = (g: GroupState, args: unknown[][]) => {
    for (let i = 0; i < aggs.length; i++) {
      const impl = aggs[i]!.impl;
      if (!impl.undo) throw new Error('this aggregate cannot retract a value, so it cannot aggregate a table');
      g.accs[i] = impl.undo(g.accs[i], ...args[i]!);
    }
  };

  const processSession = (key: unknown[], args: unknown[][], ts: number, rec: LogRecord, errors: ErrorSink, emit: RowEmitter) => {
    const gap = spec!.size;
    const prefix = encodeKey(key) + '|';
    const merged: GroupState = fresh(key);
    let start = ts;
    let end = ts;
    const replaced: GroupState[] = [];
    for (const [k, v] of groups.scanPrefix(prefix)) {
      const s = v as GroupState;
      if (s.end! + gap >= ts && s.start! - gap <= ts) {
        replaced.push(s);
        start = Math.min(start, s.start!);
        end = Math.max(end, s.end!);
        groups.delete(k);
      }
    }
    for (const s of replaced) {
      for (let i = 0; i < aggs.length; i++) {
        const impl = aggs[i]!.impl;
        merged.accs[i] = impl.merge ? impl.merge(merged.accs[i], s.accs[i]) : s.accs[i];
      }
    }
    addTo(merged, args);
    merged.start = start;
    merged.end = end;
    // Sessions that were merged away are deleted downstream: tombstones for their keys.
    if (emitFinal) {
      for (const s of replaced) open!.delete(openKey({ gk: `${prefix}${String(s.start!).padStart(16, '0')}`, start: s.start!, end: s.end!, closeAt: s.end! + gap + graceOf(spec!) }));
      merged.lastTs = end;
      const gk = `${prefix}${String(start).padStart(16, '0')}`;
      groups.put(gk, merged);
      indexWindow(gk, end);
      hold(gk, start, end, end + gap + graceOf(spec!));
      return;
    }
    for (const s of replaced) {
      if (s.start === start && s.end === end) continue;
      const m: EmitMeta = { timestamp: s.end!, record: rec, window: [BigInt(s.start!), BigInt(s.end!)], nullKey: false };
      emit(projectKey(aggRow(s, [s.start!, s.end!])), null, m);
    }
    groups.put(`${prefix}${String(start).padStart(16, '0')}`, merged);
    indexWindow(`${prefix}${String(start).padStart(16, '0')}`, end);
    // A session's record time is its end, as Kafka Streams stamps session results.
    emitGroup(merged, null, [start, end], rec, end, errors, emit);
  };

  /** Adds a row's arguments to its (unwindowed) group and emits the group's new row. */
  function addToGroup(
    gk: string,
    row: { group: unknown[]; args: unknown[][] },
    rec: LogRecord,
    ts: number,
    errors: ErrorSink,
    emit: RowEmitter,
  ): void {
    const existing = groups.get(gk) as GroupState | undefined;
    const g = existing ?? fresh(row.group);
    const before = having && existing ? aggRow(g, null) : null;
    addTo(g, row.args);
    groups.put(gk, g);
    emitGroup(g, before, null, rec, ts, errors, emit);
  }

  function run(decoded: DecodedRow, rec: LogRecord, errors: ErrorSink, emit: RowEmitter): void {
    const row = decoded.row;
    const ts = decoded.timestamp;
    let current: { group: unknown[]; args: unknown[][] } | null = null;
    if (!decoded.tombstone) {
      let ok = true;
      for (const p of predicates) {
        try {
          if (p.fn(row) !== true) ok = false;
        } catch (e) {
          ok = false;
          errors({ kind: 'EXPRESSION', message: `Error evaluating predicate ${p.text}: ${errorMessage(e)}`, record: rec });
        }
        if (!ok) break;
      }
      if (ok) {
        const group = groupValues(row, rec, errors);
        if (group) current = { group, args: aggs.map((a) => a.args(row)) };
      }
    }
    if (isTable) {
      // Retract the key's previous row from its group, then add the new one.
      const srcKey = encodeKey(sourceKey(row));
      const old = prior!.get(srcKey) as PriorRow | undefined;
      const currentKey = current ? encodeKey(current.group) : undefined;
      if (old && current && encodeKey(old.group) === currentKey) {
        // Same group: retract and add, then emit once.
        const gk = currentKey;
        const g = (groups.get(gk) as GroupState | undefined) ?? fresh(current.group);
        const before = having ? aggRow(g, null) : null;
        undoFrom(g, old.args);
        addTo(g, current.args);
        groups.put(gk, g);
        prior!.put(srcKey, current);
        emitGroup(g, before, null, rec, ts, errors, emit);
        return;
      }
      if (old) {
        const gk = encodeKey(old.group);
        const g = (groups.get(gk) as GroupState | undefined) ?? fresh(old.group);
        const before = having ? aggRow(g, null) : null;
        undoFrom(g, old.args);
        groups.put(gk, g);
        emitGroup(g, before, null, rec, ts, errors, emit);
      }
      if (current) prior!.put(srcKey, current);
      else if (old) prior!.delete(srcKey);
      if (current) addToGroup(currentKey!, current, rec, ts, errors, emit);
      return;
    }
    if (!current) return;
    if (!spec) {
      addToGroup(encodeKey(current.group), current, rec, ts, errors, emit);
      return;
    }
    // Windowed: stream time decides lateness; a window closes at its end plus grace.
    if (ts > streamTime) {
      streamTime = ts;
      meta.put('streamTime', streamTime);
    }
    const grace = graceOf(spec);
    if (spec.kind === 'SESSION') {
      // A session can still grow while its reach (ts + gap) plus grace hasn't passed stream time.
      if (ts + spec.size + grace < streamTime) {
        stats.lateRecords++;
        return;
      }
      processSession(current.group, current.args, ts, rec, errors, emit);
      if (emitFinal) release(rec, errors, emit);
      return;
    }
    const groupKey = encodeKey(current.group);
    for (const start of windowStartsFor(spec, ts)) {
      const end = start + spec.size;
      if (end + grace <= streamTime) {
        // Late for this window: dropped and counted, as Kafka Streams does.
        stats.lateRecords++;
        continue;
      }
      const gk = `${groupKey}|${windowTexts!.paddedStart(start)}`;
      const existing = groups.get(gk) as GroupState | undefined;
      const g = existing ?? fresh(current.group);
      const before = having && existing ? aggRow(g, [start, end]) : null;
      addTo(g, current.args);
      g.lastTs = Math.max(g.lastTs ?? ts, ts);
      groups.put(gk, g);
      if (emitFinal) hold(gk, start, end, end + grace);
      // A window's result carries the latest record time seen in it, as Kafka Streams stamps it.
      else emitGroup(g, before, [start, end], rec, g.lastTs!, errors, emit);
    }
    if (emitFinal) release(rec, errors, emit);
  
  }

  return {
    source,
    topics: joinRows ? joinRows.topics : [source.topic],
    schema: parts.schema,
    stats,
    retentionCutoff: () => (retention !== undefined && streamTime >= 0 ? streamTime - retention : undefined),
    process(rec, errors, emit) {
      if (joinRows) {
        joinRows.process(rec, errors, (c) =>
          run({ row: c.row as unknown[], timestamp: c.timestamp, tombstone: c.deleted, window: c.window, nullKey: false }, c.record, errors, emit),
        );
        return;
      }
      const decoded = decode(rec, errors);
      if (decoded !== null) run(decoded, rec, errors, emit);
    },
    processRow(row, rec, errors, emit) {
      const rowtime = row[inSchema.columns.findIndex((c) => c.role === 'PSEUDO' && c.name === 'ROWTIME')];
      run({ row, timestamp: Number(rowtime ?? 0), tombstone: false, window: null, nullKey: false }, rec, errors, emit);
    },
    flushState() {
      joinRows?.flushState();
      trimWindows();
      groups.flush();
      byEnd?.flush();
      prior?.flush();
      meta.flush();
      open?.flush();
    },
    discardState() {
      joinRows?.discardState();
      groups.discard();
      byEnd?.discard();
      prior?.discard();
      meta.discard();
      open?.discard();
      streamTime = (meta.get('streamTime') as number | undefined) ?? -1;
    },
    destroyState() {
      joinRows?.destroyState();
      groups.destroy();
      byEnd?.destroy();
      prior?.destroy();
      meta.destroy();
      open?.destroy();
    },
  };
}

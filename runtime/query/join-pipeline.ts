// Queries over joins. `buildJoinRows` wires the join operators: each input record is decoded
// by the source it belongs to and passed up the chain of joins (left-deep: every join's right
// input is a source), whose top emits the joined rows. `buildJoinPipeline` runs WHERE,
// PARTITION BY and the projection over those rows. All join state lives in stores that are
// flushed in the query's commit.

import { assertNever, type Expression } from '../../grammar/ast.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import type { Catalog } from '../../planner/catalog.js';
import { formatExpression } from '../../planner/format-expression.js';
import { sourceSteps, type JoinStep, type Step } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import type { StoreOpener } from '../state/storage.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver, type RowFn } from './expressions.js';
import { referencedColumns, unreferencedIndexes } from './referenced-columns.js';
import { foreignKeyJoin } from './join-foreign-key.js';
import type { Downstream, JoinChange, JoinNode, NodeContext } from './join-node.js';
import { streamStreamJoin } from './join-stream-stream.js';
import { streamTableJoin } from './join-stream-table.js';
import { tableTableJoin } from './join-table-table.js';
import type { Pipeline } from './pipeline.js';
import { planParts } from './plan-parts.js';
import { pushedFilters } from './join-pushdown.js';
import type { EmitMeta } from './row-pipeline.js';
import { buildSourceDecoder, type SourceDecoder } from './source-decoder.js';

/** The rows of a join, change by change: what a projection or an aggregation reads. */
export interface JoinRows {
  readonly join: JoinStep;
  /** Every topic the join reads. */
  readonly topics: readonly string[];
  /** Feeds one input record through the joins; `out` gets the joined rows it produces. */
  process(rec: LogRecord, errors: ErrorSink, out: (c: JoinChange) => void): void;
  flushState(): void;
  discardState(): void;
  destroyState(): void;
}

interface Leaf {
  readonly topic: string;
  readonly decode: SourceDecoder;
  readonly into: Downstream;
  /** Columns no expression of the query reads: nulled before the row enters join state. */
  readonly unread: readonly number[];
  /** WHERE conjuncts on this input alone (see join-pushdown.ts). */
  readonly filter: RowFn | undefined;
}

/** What the joins need to know of the query around them. */
export interface JoinContext {
  /** The whole plan: which columns it reads. */
  readonly root: Step;
  /** The WHERE predicates applied to the joined rows. */
  readonly where: readonly Expression[];
}

function makeNode(step: JoinStep, ctx: NodeContext): JoinNode {
  switch (step.kind) {
    case 'StreamStreamJoin':
      return streamStreamJoin(step, ctx);
    case 'StreamTableJoin':
      return streamTableJoin(step, ctx);
    case 'TableTableJoin':
      return tableTableJoin(step, ctx);
    case 'ForeignKeyTableTableJoin':
      return foreignKeyJoin(step, ctx);
    default:
      return assertNever(step, 'join step');
  }
}

export function isJoin(step: Step): step is JoinStep {
  return step.kind === 'StreamStreamJoin' || step.kind === 'StreamTableJoin' || step.kind === 'TableTableJoin' || step.kind === 'ForeignKeyTableTableJoin';
}

/** The join under a plan's filter / re-key / projection steps, if there is one. */
export function findJoin(root: Step): JoinStep | undefined {
  let s: Step = root;
  for (;;) {
    if (isJoin(s)) return s;
    if (s.kind === 'StreamSource' || s.kind === 'TableSource') return undefined;
    s = s.input;
  }
}

export function buildJoinRows(join: JoinStep, catalog: Catalog, stores: StoreOpener | undefined, storeName: string, query: JoinContext): JoinRows {
  const leaves: Leaf[] = [];
  const nodes: JoinNode[] = [];
  const referenced = referencedColumns(query.root);
  const pushed = pushedFilters(join, query.where, { left: joinInputSchema(join.left), right: joinInputSchema(join.right) }, catalog);
  // The operators are wired once; the top's results go to the caller of the current process().
  let top: ((c: JoinChange) => void) | undefined;
  const wire = (step: Step, into: Downstream, filter: RowFn | undefined): void => {
    if (step.kind === 'StreamSource' || step.kind === 'TableSource') {
      const unread = unreferencedIndexes(joinInputSchema(step), referenced);
      const reads = new Set(step.schema.columns.filter((_, i) => !unread.includes(i)).map((c) => c.name));
      leaves.push({ topic: step.topic, decode: buildSourceDecoder(step, catalog, reads), into, unread, filter });
      return;
    }
    if (!isJoin(step)) throw new Error(`${step.kind} can't be a join input`);
    const node = makeNode(step, { catalog, stores, storeName: `${storeName}_j${nodes.length}` });
    nodes.push(node);
    const isTop = step === join;
    wire(step.left, (c, errors) => node.left(c, errors, into), isTop ? pushed.left : undefined);
    wire(step.right, (c, errors) => node.right(c, errors, into), isTop ? pushed.right : undefined);
  };
  wire(join, (c) => top!(c), undefined);
  return {
    join,
    topics: [...new Set(leaves.map((l) => l.topic))],
    process(rec, errors, out) {
      top = out;
      // Two sources may share a topic: each reads every record of it.
      for (const leaf of leaves) {
        if (leaf.topic !== rec.topic) continue;
        const d = leaf.decode(rec, errors);
        if (d === null) continue;
        const row = d.row;
        for (const i of leaf.unread) row[i] = null;
        const inert = leaf.filter !== undefined && !d.tombstone && !leaf.filter(row);
        leaf.into({ row, deleted: d.tombstone, timestamp: d.timestamp, record: rec, window: d.window, inert }, errors);
      }
    },
    flushState: () => nodes.forEach((n) => n.flush()),
    discardState: () => nodes.forEach((n) => n.discard()),
    destroyState: () => nodes.forEach((n) => n.destroy()),
  };
}

export function buildJoinPipeline(root: Step, catalog: Catalog, stores: StoreOpener | undefined, storeName: string): Pipeline {
  const parts = planParts(root);
  const join = parts.join;
  if (!join || parts.aggregate || parts.tableFunctions.length > 0) throw new Error('not a plain join plan');
  // A join query has one WHERE, applied to the joined rows.
  if (parts.predicates.length > 1) throw new Error('a join plan has at most one filter');
  const where = parts.predicates[0];
  const rows = buildJoinRows(join, catalog, stores, storeName, { root, where: parts.predicates });
  const schema = join.schema;
  const isTable = join.kind === 'TableTableJoin' || join.kind === 'ForeignKeyTableTableJoin';
  const predicate = where && { fn: compileOver(where, schema, [], catalog).fn, text: formatExpression(where) };
  const keyFns: { fn: RowFn; name: string }[] = [];
  const valueFns: { fn: RowFn; name: string }[] = [];
  for (const item of parts.items) (item.key ? keyFns : valueFns).push({ fn: compileOver(item.expr, schema, [], catalog).fn, name: item.name });

  const evaluate = (fns: readonly { fn: RowFn; name: string }[], row: readonly unknown[], rec: LogRecord, errors: ErrorSink) =>
    fns.map(({ fn, name }) => {
      try {
        return fn(row) ?? null;
      } catch (e) {
        errors({ kind: 'EXPRESSION', message: `Error computing column ${name}: ${errorMessage(e)}`, record: rec });
        return null;
      }
    });
  const passes = (row: readonly unknown[], rec: LogRecord, errors: ErrorSink): boolean => {
    try {
      return predicate!.fn(row) === true;
    } catch (e) {
      errors({ kind: 'EXPRESSION', message: `Error evaluating predicate ${predicate!.text}: ${errorMessage(e)}`, record: rec });
      return false;
    }
  };

  return {
    source: sourceSteps(join)[0]!,
    topics: rows.topics,
    schema: parts.schema,
    process(rec, errors, emit) {
      rows.process(rec, errors, (c) => {
        const meta: EmitMeta = { timestamp: c.timestamp, record: c.record, window: c.window, nullKey: false };
        let deleted = c.deleted;
        if (predicate) {
          const ok = !deleted && passes(c.row, c.record, errors);
          if (!isTable) {
            if (!ok) return;
          } else if (!ok) {
            // A table row that stops matching is deleted downstream; one that never matched
            // (the previous result, when known, failed too) needs no deletion.
            if (c.old !== undefined && (c.old === null || !passes(c.old, c.record, errors))) return;
            deleted = true;
          }
        }
        const key = evaluate(keyFns, c.row, c.record, errors);
        emit(key, deleted ? null : evaluate(valueFns, c.row, c.record, errors), meta);
      });
    },
    flushState: () => rows.flushState(),
    discardState: () => rows.discardState(),
    destroyState: () => rows.destroyState(),
  };
}

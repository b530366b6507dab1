// Pull queries that join two materialised tables on their key (beyond ksqlDB): a hash join
// of the two tables' committed rows, then the query's WHERE and projection over the joined
// row (the join key, the left row, the right row — the layout the streaming join emits).

import type { Query } from '../../grammar/ast.js';
import type { AnalyzedQuery } from '../../planner/analyze/query.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import type { Catalog } from '../../planner/catalog.js';
import { SemanticError } from '../../planner/errors.js';
import type { Expression } from '../../grammar/ast.js';
import type { SelectItem, Step, TableTableJoin } from '../../planner/steps.js';
import { stringifyJsonExact } from '../serde/json-exact.js';
import { compileOver } from '../query/expressions.js';
import { findJoin } from '../query/join-pipeline.js';
import type { MaterializedTable } from './materialized-table.js';
import { orderAndPage } from './pull-query.js';

function partsAbove(root: Step, join: Step): { predicates: Expression[]; items: readonly SelectItem[] } {
  const predicates: Expression[] = [];
  let items: readonly SelectItem[] = [];
  for (let s: Step = root; s !== join; ) {
    switch (s.kind) {
      case 'TableSelect':
      case 'StreamSelect':
        items = s.items;
        s = s.input;
        break;
      case 'TableFilter':
      case 'StreamFilter':
        predicates.push(s.predicate);
        s = s.input;
        break;
      default:
        throw new SemanticError(`${s.kind} is not supported in a pull query over a join`);
    }
  }
  return { predicates, items };
}

export function runPullJoin(
  analyzed: AnalyzedQuery,
  query: Query,
  catalog: Catalog,
  tableFor: (name: string) => MaterializedTable | undefined,
): unknown[][] {
  const join = findJoin(analyzed.root);
  if (
    !join ||
    join.kind !== 'TableTableJoin' ||
    join.left.kind !== 'TableSource' ||
    join.right.kind !== 'TableSource'
  ) {
    throw new SemanticError('Pull queries join two materialised tables on their primary key; other joins need a push query', query.span);
  }
  const tt: TableTableJoin = join;
  const left = tt.left as Extract<Step, { kind: 'TableSource' }>;
  const right = tt.right as Extract<Step, { kind: 'TableSource' }>;
  const lt = tableFor(left.source);
  const rt = tableFor(right.source);
  if (!lt || !rt) throw new SemanticError('Both tables of a pull-query join must be materialised', query.span);
  const leftKey = compileOver(tt.leftExpression, joinInputSchema(left), [], catalog).fn;
  const rightKey = compileOver(tt.rightExpression, joinInputSchema(right), [], catalog).fn;
  const { predicates, items } = partsAbove(analyzed.root, join);
  const preds = predicates.map((p) => compileOver(p, tt.schema, [], catalog).fn);
  const cols = items.map((i) => ({ key: i.key, fn: compileOver(i.expr, tt.schema, [], catalog).fn }));

  const rightRows = [...rt.scan()];
  const byKey = new Map<string, unknown[][]>();
  for (const r of rightRows) {
    const k = rightKey(r);
    if (k === null || k === undefined) continue;
    const id = stringifyJsonExact(k);
    const list = byKey.get(id);
    if (list) list.push(r);
    else byKey.set(id, [r]);
  }
  const rightNulls = new Array<unknown>(right.schema.columns.length).fill(null);
  const leftNulls = new Array<unknown>(left.schema.columns.length).fill(null);
  const joined: unknown[][] = [];
  const matchedRight = new Set<unknown[]>();
  for (const l of lt.scan()) {
    const k = leftKey(l);
    const matches = k === null || k === undefined ? undefined : byKey.get(stringifyJsonExact(k));
    if (matches) {
      for (const r of matches) {
        matchedRight.add(r);
        joined.push([k, ...l, ...r]);
      }
    } else if (tt.joinType === 'LEFT' || tt.joinType === 'FULL') {
      joined.push([k, ...l, ...rightNulls]);
    }
  }
  if (tt.joinType === 'RIGHT' || tt.joinType === 'FULL') {
    for (const r of rightRows) if (!matchedRight.has(r)) joined.push([rightKey(r), ...leftNulls, ...r]);
  }
  const out: unknown[][] = [];
  for (const row of joined) {
    if (!preds.every((p) => p(row) === true)) continue;
    const keys = cols.filter((c) => c.key).map((c) => c.fn(row) ?? null);
    const values = cols.filter((c) => !c.key).map((c) => c.fn(row) ?? null);
    out.push([...keys, ...values]);
  }
  return orderAndPage(out, analyzed, query, catalog);
}

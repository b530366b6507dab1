// A table's deleted row as a transient query shows it. ksqlDB's push queries print a tombstone
// with what its key holds, the key columns and, for a windowed table, the window bounds,
// and null in every other column, flagged `"tombstone": true`. The projection is not
// evaluated over the deleted row: there is no row, so `COALESCE(v, 0)` is null too.

import type { Expression } from '../../grammar/ast.js';
import { WINDOWEND, WINDOWSTART } from '../../planner/pseudo-columns.js';
import type { Step } from '../../planner/steps.js';
import { planParts } from './plan-parts.js';
import type { EmitMeta } from './row-pipeline.js';

/** Builds a tombstone's row (key columns first, as the pipeline emits rows) for `root`. */
export function tombstoneRows(root: Step): (key: readonly unknown[], window: EmitMeta['window']) => unknown[] {
  // Which window bound each value column projects unchanged, if any.
  const bounds = planParts(root)
    .items.filter((item) => !item.key)
    .map((item) => windowBound(item.expr));
  return (key, window) => [...key, ...bounds.map((b) => (b === undefined || window === null ? null : window[b]))];
}

function windowBound(expr: Expression): 0 | 1 | undefined {
  // WINDOWSTART and WINDOWEND are reserved: no declared column can take their names.
  if (expr.kind !== 'ColumnRef') return undefined;
  return expr.name === WINDOWSTART ? 0 : expr.name === WINDOWEND ? 1 : undefined;
}

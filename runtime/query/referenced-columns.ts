// Which input columns a query reads, so that work on the others can be skipped where that
// cannot change a result (an unnamed column can't reach an output):
// - join state keeps whole input rows (a stream side's window, a table side's current row),
//   and most of a wide row is often never read again: Nexmark's auctions carry a description
//   and padding no query looks at. Unread columns are nulled as rows enter the join, so state
//   encodes, writes and reads only what the query can use;
// - ROWTIME and ROWOFFSET are BIGINTs made for every record; unread, they are not made.

import type { Step, StepSchema } from '../../planner/steps.js';

/**
 * Every column name an expression anywhere in the plan refers to, or undefined when the plan
 * may read columns without naming them (`*`, `struct->*`): then every column is kept.
 * Join rows name their columns `ALIAS_COLUMN`, the same in the join's inputs and its output,
 * so a name found anywhere is enough; a name that also means something else (a lambda
 * parameter, an aggregate's output) only keeps a column that could have gone.
 */
export function referencedColumns(root: Step): ReadonlySet<string> | undefined {
  const names = new Set<string>();
  let opaque = false;
  const walk = (x: unknown): void => {
    if (opaque || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    const node = x as Record<string, unknown>;
    switch (node.kind) {
      case 'ColumnRef':
        names.add(node.name as string);
        if (typeof node.source === 'string') names.add(`${node.source}_${node.name as string}`);
        return;
      case 'AllColumns':
      case 'StructAll':
        opaque = true;
        return;
    }
    for (const [k, v] of Object.entries(node)) {
      // Schemas and formats describe rows; they hold no expressions.
      if (k !== 'schema' && k !== 'formats' && k !== 'span') walk(v);
    }
  };
  walk(root);
  return opaque ? undefined : names;
}

/**
 * The indexes of `schema`'s columns that `referenced` does not name, to be nulled; empty
 * when every column is kept. Key columns always stay: table joins find rows by them without
 * naming them (a foreign-key join's right key, a table's primary key).
 */
export function unreferencedIndexes(schema: StepSchema, referenced: ReadonlySet<string> | undefined): readonly number[] {
  if (referenced === undefined) return [];
  const out: number[] = [];
  schema.columns.forEach((c, i) => {
    if (c.role !== 'KEY' && !referenced.has(c.name)) out.push(i);
  });
  return out;
}

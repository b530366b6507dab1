// WHERE conjuncts that read only one input of an inner stream-stream join, evaluated as that
// input's rows arrive. Such a row can only produce joined rows the WHERE drops, so it need
// not be stored nor matched: Nexmark q3 keeps one auction in five and half the persons.
// The plan is unchanged (EXPLAIN and the persisted steps still show the filter above the
// join, which still runs); this only spares the join the work.
//
// Exactness:
// - only INNER stream-stream joins, and only their direct source inputs: an outer side's
//   unmatched rows are results, a table side's rows replace earlier ones, and a nested join's
//   results feed another join's state and clock;
// - a filtered row still moves its side's stream time, so expiry stays what it was;
// - only when the whole WHERE is made of columns, literals, comparisons and logic, none of
//   which can fail: a WHERE that can fail on a joined row must keep failing on it, so its
//   errors reach the processing log as before.

import { assertNever, type Expression } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import type { JoinStep, StepSchema } from '../../planner/steps.js';
import { compileOver, type RowFn } from './expressions.js';

/** A row filter for one input of the join; undefined when nothing can be pushed there. */
export interface PushedFilters {
  readonly left: RowFn | undefined;
  readonly right: RowFn | undefined;
}

const NONE: PushedFilters = { left: undefined, right: undefined };

export function pushedFilters(
  join: JoinStep,
  where: readonly Expression[],
  schemas: { readonly left: StepSchema; readonly right: StepSchema },
  catalog: Catalog,
): PushedFilters {
  if (join.kind !== 'StreamStreamJoin' || join.joinType !== 'INNER' || where.length === 0) return NONE;
  if (!where.every(cannotFail)) return NONE;
  const conjuncts = where.flatMap(splitAnd);
  const side = (input: JoinStep['left'], schema: StepSchema): RowFn | undefined => {
    if (input.kind !== 'StreamSource') return undefined;
    const names = new Set(schema.columns.map((c) => c.name));
    const mine = conjuncts.filter((c) => {
      const refs = columnNames(c);
      return refs.length > 0 && refs.every((n) => names.has(n));
    });
    if (mine.length === 0) return undefined;
    const fns = mine.map((c) => compileOver(c, schema, [], catalog).fn);
    return (row) => {
      for (const f of fns) if (f(row) !== true) return false;
      return true;
    };
  };
  return { left: side(join.left, schemas.left), right: side(join.right, schemas.right) };
}

function splitAnd(e: Expression): Expression[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...splitAnd(e.left), ...splitAnd(e.right)] : [e];
}

function columnNames(e: Expression): string[] {
  switch (e.kind) {
    case 'ColumnRef':
      return [e.source === undefined ? e.name : `${e.source}_${e.name}`];
    case 'Comparison':
    case 'Logical':
    case 'IsDistinctFrom':
      return [...columnNames(e.left), ...columnNames(e.right)];
    case 'Not':
    case 'IsNull':
      return columnNames(e.operand);
    case 'Between':
      return [...columnNames(e.value), ...columnNames(e.low), ...columnNames(e.high)];
    case 'InList':
      return [...columnNames(e.value), ...e.list.flatMap(columnNames)];
    default:
      return [];
  }
}

/** Whether evaluating `e` can never throw nor depend on anything but the row. */
function cannotFail(e: Expression): boolean {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'ColumnRef':
      return true;
    case 'Comparison':
    case 'Logical':
    case 'IsDistinctFrom':
      return cannotFail(e.left) && cannotFail(e.right);
    case 'Not':
    case 'IsNull':
      return cannotFail(e.operand);
    case 'Between':
      return cannotFail(e.value) && cannotFail(e.low) && cannotFail(e.high);
    case 'InList':
      return cannotFail(e.value) && e.list.every(cannotFail);
    case 'TypedLiteral':
    case 'Dereference':
    case 'Subscript':
    case 'Arithmetic':
    case 'Negate':
    case 'Concat':
    case 'Like':
    case 'SimpleCase':
    case 'SearchedCase':
    case 'Cast':
    case 'FunctionCall':
    case 'IntervalUnit':
    case 'ArrayConstructor':
    case 'MapConstructor':
    case 'StructConstructor':
    case 'Lambda':
      return false;
    default:
      return assertNever(e, 'expression');
  }
}

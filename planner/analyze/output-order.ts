// Transient (push and pull) queries answer in SELECT order, as ksqlDB's do, while the runtime
// builds rows key columns first (what a sink's key and value need). This gives the columns in
// SELECT order and, for each, its slot in the runtime row.

import type { StepSchema } from '../steps.js';

export interface SelectOrder {
  readonly schema: StepSchema;
  /** order[i] is the runtime-row index of the i-th column in SELECT order. */
  readonly order: readonly number[];
}

export function selectOrder(keysFirst: StepSchema, selectNames: readonly string[]): SelectOrder {
  const order = selectNames.map((n) => keysFirst.columns.findIndex((c) => c.name === n));
  if (order.some((i) => i < 0) || order.length !== keysFirst.columns.length) {
    return { schema: keysFirst, order: keysFirst.columns.map((_, i) => i) };
  }
  return { schema: { columns: order.map((i) => keysFirst.columns[i]!) }, order };
}

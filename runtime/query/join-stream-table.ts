// Stream-table join: each stream row looks up the table's row for its key as the table stands
// when the stream row is processed; table changes only update that state. The result carries
// the stream row's timestamp.

import type { StreamTableJoin } from '../../planner/steps.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import { openStore } from './stores.js';
import { encodeKey, JoinKey, nulls, storedRowCodec, windowOf, type JoinNode, type NodeContext, type StoredRow } from './join-node.js';

export function streamTableJoin(step: StreamTableJoin, ctx: NodeContext): JoinNode {
  const leftSchema = joinInputSchema(step.left);
  const rightSchema = joinInputSchema(step.right);
  const window = windowOf(step);
  const leftKey = new JoinKey(step.leftExpression, leftSchema, ctx.catalog, window);
  const rightKey = new JoinKey(step.rightExpression, rightSchema, ctx.catalog, window);
  const rightWidth = rightSchema.columns.length;
  const table = openStore(ctx.stores, `${ctx.storeName}_table`, storedRowCodec(rightSchema));
  return {
    left(c, errors, out) {
      if (c.deleted) return;
      const k = leftKey.of(c, errors);
      if (k === null) return;
      const match = table.get(encodeKey(k)) as StoredRow | undefined;
      if (!match && step.joinType === 'INNER') return;
      out({ ...c, row: [k[0], ...c.row, ...(match?.row ?? nulls(rightWidth))] }, errors);
    },
    right(c, errors) {
      const k = rightKey.of(c, errors);
      if (k === null) return;
      if (c.deleted) table.delete(encodeKey(k));
      else table.put(encodeKey(k), { row: c.row, ts: c.timestamp, window: c.window } satisfies StoredRow);
    },
    flush: () => table.flush(),
    discard: () => table.discard(),
    destroy: () => table.destroy(),
  };
}

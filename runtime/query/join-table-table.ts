// Primary-key table-table join: a change on either side joins the other side's current row for
// the key and emits the result (or its deletion), stamped with the later of the two rows'
// timestamps. The rules are Kafka Streams' KTable-KTable join processors, with old values on
// (ksqlDB materialises join inputs), so the previous result goes along for filters downstream.

import type { TableTableJoin } from '../../planner/steps.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import { openStore } from './stores.js';
import type { ErrorSink } from './errors.js';
import {
  encodeKey,
  JoinKey,
  nulls,
  storedRowCodec,
  windowOf,
  type Downstream,
  type JoinChange,
  type JoinNode,
  type NodeContext,
  type StoredRow,
} from './join-node.js';

export function tableTableJoin(step: TableTableJoin, ctx: NodeContext): JoinNode {
  const leftSchema = joinInputSchema(step.left);
  const rightSchema = joinInputSchema(step.right);
  const window = windowOf(step);
  const keys = {
    left: new JoinKey(step.leftExpression, leftSchema, ctx.catalog, window),
    right: new JoinKey(step.rightExpression, rightSchema, ctx.catalog, window),
  };
  const stores = {
    left: openStore(ctx.stores, `${ctx.storeName}_left`, storedRowCodec(leftSchema)),
    right: openStore(ctx.stores, `${ctx.storeName}_right`, storedRowCodec(rightSchema)),
  };
  const width = { left: leftSchema.columns.length, right: rightSchema.columns.length };
  // Which side's rows survive a missing match.
  const outer = {
    left: step.joinType === 'LEFT' || step.joinType === 'FULL',
    right: step.joinType === 'RIGHT' || step.joinType === 'FULL',
  };

  const change = (side: 'left' | 'right', c: JoinChange, errors: ErrorSink, out: Downstream) => {
    const other = side === 'left' ? 'right' : 'left';
    const k = keys[side].of(c, errors);
    if (k === null) return;
    const key = encodeKey(k);
    const prev = stores[side].get(key) as StoredRow | undefined;
    if (c.deleted) stores[side].delete(key);
    else stores[side].put(key, { row: c.row, ts: c.timestamp, window: c.window } satisfies StoredRow);
    const match = stores[other].get(key) as StoredRow | undefined;
    const now = c.deleted ? null : c.row;
    const before = prev?.row ?? null;
    if (!match && (!outer[side] || (now === null && before === null))) return;
    const joined = (mine: readonly unknown[] | null): unknown[] | null => {
      if (mine === null && !(outer[other] && match)) return null;
      const theirs = match?.row ?? null;
      const [l, r] = side === 'left' ? [mine, theirs] : [theirs, mine];
      return [k[0], ...(l ?? nulls(width.left)), ...(r ?? nulls(width.right))];
    };
    const row = joined(now);
    out(
      {
        row: row ?? [k[0], ...nulls(width.left + width.right)],
        deleted: row === null,
        old: joined(before),
        timestamp: match ? Math.max(c.timestamp, match.ts) : c.timestamp,
        record: c.record,
        window: c.window,
      },
      errors,
    );
  };

  return {
    left: (c, errors, out) => change('left', c, errors, out),
    right: (c, errors, out) => change('right', c, errors, out),
    flush() {
      stores.left.flush();
      stores.right.flush();
    },
    discard() {
      stores.left.discard();
      stores.right.discard();
    },
    destroy() {
      stores.left.destroy();
      stores.right.destroy();
    },
  };
}

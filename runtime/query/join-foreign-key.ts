// Foreign-key table-table join, with Kafka Streams' semantics: each left row subscribes to the
// right row its foreign key names. A left change (re)subscribes and emits its result; a right
// change emits a result for every left row subscribed to it, in the order of the left keys'
// serialised bytes (the order Kafka Streams' subscription store scans them in). Results are
// keyed by the left table's primary key and stamped with the later of the two rows' times.
//
// As in Kafka Streams: a left row whose foreign key is null is skipped; a new left row without
// a match emits nothing from an inner join, but an updated one emits a deletion (it may have
// matched before), and a deleted left row always emits one.

import type { ForeignKeyTableTableJoin, StepSchema, TableSource } from '../../planner/steps.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import { openStore } from './stores.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver } from './expressions.js';
import { encodeKey, nulls, storedRowCodec, type Downstream, type JoinChange, type JoinNode, type NodeContext, type StoredRow } from './join-node.js';
import { keySerdeFor } from './source-decoder.js';

function keyIndexes(schema: StepSchema): number[] {
  return schema.columns.flatMap((c, i) => (c.role === 'KEY' ? [i] : []));
}

export function foreignKeyJoin(step: ForeignKeyTableTableJoin, ctx: NodeContext): JoinNode {
  const left = step.left as TableSource;
  const leftSchema = joinInputSchema(left);
  const rightSchema = joinInputSchema(step.right);
  const leftKeys = keyIndexes(leftSchema);
  const rightKeys = keyIndexes(rightSchema);
  const leftWidth = leftSchema.columns.length;
  const rightWidth = rightSchema.columns.length;
  const fk = compileOver(step.leftExpression, leftSchema, [], ctx.catalog).fn;
  const leftKeySerde = keySerdeFor(left, leftKeys.map((i) => leftSchema.columns[i]!));
  const lefts = openStore(ctx.stores, `${ctx.storeName}_left`, storedRowCodec(leftSchema));
  const rights = openStore(ctx.stores, `${ctx.storeName}_right`, storedRowCodec(rightSchema));
  // foreign key → the left rows naming it: [left key bytes (hex), key in `lefts`], in byte order.
  const subscriptions = openStore(ctx.stores, `${ctx.storeName}_subscriptions`);
  const subscribers = (fkey: string) => (subscriptions.get(fkey) as [string, string][] | undefined) ?? [];
  const subscribe = (fkey: string, leftKey: readonly unknown[], key: string) => {
    const bytes = leftKeySerde.serialize(leftKey)!.toString('hex');
    const subs = subscribers(fkey).filter(([b]) => b !== bytes);
    subs.push([bytes, key]);
    subscriptions.put(fkey, subs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  };
  const unsubscribe = (fkey: string, key: string) => {
    const subs = subscribers(fkey).filter(([, k]) => k !== key);
    if (subs.length > 0) subscriptions.put(fkey, subs);
    else subscriptions.delete(fkey);
  };
  const inner = step.joinType === 'INNER';

  const foreignKey = (row: readonly unknown[], c: JoinChange, errors: ErrorSink): string | null => {
    let v: unknown;
    try {
      v = fk(row);
    } catch (e) {
      errors({ kind: 'EXPRESSION', message: `Error computing foreign key: ${errorMessage(e)}`, record: c.record });
      return null;
    }
    return v === null || v === undefined ? null : encodeKey([v]);
  };
  const keyRow = (row: readonly unknown[]) => {
    const out: unknown[] = nulls(leftWidth + rightWidth);
    for (const i of leftKeys) out[i] = row[i];
    return out;
  };
  const result = (c: JoinChange, l: readonly unknown[], r: StoredRow | undefined, lts: number): JoinChange => ({
    row: [...l, ...(r?.row ?? nulls(rightWidth))],
    deleted: false,
    timestamp: Math.max(lts, r?.ts ?? lts),
    record: c.record,
    window: null,
  });
  const deletion = (c: JoinChange, l: readonly unknown[], ts: number): JoinChange => ({ row: keyRow(l), deleted: true, timestamp: ts, record: c.record, window: null });

  return {
    left(c, errors, out: Downstream) {
      const leftKey = leftKeys.map((i) => c.row[i]);
      const key = encodeKey(leftKey);
      const prev = lefts.get(key) as StoredRow | undefined;
      if (c.deleted) lefts.delete(key);
      else lefts.put(key, { row: c.row, ts: c.timestamp, window: null } satisfies StoredRow);
      const oldFk = prev ? foreignKey(prev.row, c, errors) : null;
      if (prev && oldFk === null) return;
      if (c.deleted) {
        if (!prev) return;
        unsubscribe(oldFk!, key);
        out(deletion(c, c.row, c.timestamp), errors);
        return;
      }
      const newFk = foreignKey(c.row, c, errors);
      if (newFk === null) return;
      if (oldFk !== null && oldFk !== newFk) unsubscribe(oldFk, key);
      subscribe(newFk, leftKey, key);
      const match = rights.get(newFk) as StoredRow | undefined;
      if (match || !inner) out(result(c, c.row, match, c.timestamp), errors);
      else if (prev) out(deletion(c, c.row, c.timestamp), errors);
    },
    right(c, errors, out) {
      const key = encodeKey(rightKeys.map((i) => c.row[i]));
      if (c.deleted) rights.delete(key);
      else rights.put(key, { row: c.row, ts: c.timestamp, window: null } satisfies StoredRow);
      const match: StoredRow | undefined = c.deleted ? undefined : { row: c.row, ts: c.timestamp, window: null };
      for (const [, leftKey] of subscribers(key)) {
        const l = lefts.get(leftKey) as StoredRow | undefined;
        if (!l) continue;
        if (match || !inner) out({ ...result(c, l.row, match, l.ts), timestamp: Math.max(c.timestamp, l.ts) }, errors);
        else out(deletion(c, l.row, Math.max(c.timestamp, l.ts)), errors);
      }
    },
    flush() {
      lefts.flush();
      rights.flush();
      subscriptions.flush();
    },
    discard() {
      lefts.discard();
      rights.discard();
      subscriptions.discard();
    },
    destroy() {
      lefts.destroy();
      rights.destroy();
      subscriptions.destroy();
    },
  };
}

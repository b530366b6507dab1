// Stream-stream join within a time window, as Kafka Streams' KStream-KStream join runs it.
//
// A left row at time t matches right rows in [t - before, t + after] (a right row sees the
// window mirrored); each match is emitted at the later of the two times. Each side keeps its
// rows in a window store for before + after + grace.
//
// Rows of an outer side that match nothing:
// - without GRACE PERIOD (ksqlDB's legacy windows) are emitted at once, joined to nulls;
// - with GRACE PERIOD are held until their window closes (their time + the window on their
//   side + grace is behind stream time) and then emitted, unless a match came meanwhile. They
//   are emitted at once when the window has already closed on arrival. Held rows are checked
//   whenever a row arrives at the current stream time, oldest first.

import type { StreamStreamJoin } from '../../planner/steps.js';
import { joinInputSchema } from '../../planner/analyze/join-sources.js';
import { openStore } from './stores.js';
import type { ErrorSink } from './errors.js';
import {
  encodeKey,
  JoinKey,
  sortable,
  storedRowCodec,
  windowOf,
  type Downstream,
  type JoinChange,
  type JoinNode,
  type NodeContext,
  type WindowBounds,
} from './join-node.js';
import { rowCodec } from './join-row-codec.js';
import { JoinWindowStore } from './join-window-store.js';

type Side = 'left' | 'right';

/** A row held for an outer result: `o \0 time \0 side \0 key` in the state store. */
interface Held {
  readonly row: readonly unknown[];
  readonly ts: number;
  readonly left: boolean;
  readonly key: unknown;
  readonly window: WindowBounds | null;
}

interface Clock {
  streamTime: number;
  /** Kafka Streams' lower bound on held rows' times: no held row can be due before it is. */
  minTime: number;
}

const CLOCK = 'm\0clock';
const DAY = 24 * 3_600_000;

/** Orders keys as their KAFKA-serialised bytes would sort: two's complement big-endian. */
function keyOrder(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
  if (typeof v === 'bigint') return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
  return typeof v === 'string' ? v : encodeKey([v]);
}

/** Where `k` is, or belongs, in the sorted `keys`. */
function sortedIndex(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function streamStreamJoin(step: StreamStreamJoin, ctx: NodeContext): JoinNode {
  const schema = { left: joinInputSchema(step.left), right: joinInputSchema(step.right) };
  const window = windowOf(step);
  const keys = {
    left: new JoinKey(step.leftExpression, schema.left, ctx.catalog, window),
    right: new JoinKey(step.rightExpression, schema.right, ctx.catalog, window),
  };
  const width = { left: schema.left.columns.length, right: schema.right.columns.length };
  // Legacy windows (no GRACE PERIOD) keep 24 hours in all, as Kafka Streams' JoinWindows.of.
  const grace = step.grace ?? Math.max(DAY - 2 * step.before, 0);
  const retention = step.before + step.after + grace;
  const reach = { left: { before: step.before, after: step.after }, right: { before: step.after, after: step.before } };
  const outer = {
    left: step.joinType === 'LEFT' || step.joinType === 'FULL',
    right: step.joinType === 'RIGHT' || step.joinType === 'FULL',
  };
  const holdOuter = step.grace !== undefined && (outer.left || outer.right);
  const windows = {
    left: new JoinWindowStore(ctx.stores, `${ctx.storeName}_left`, schema.left, step.before + step.after, retention),
    right: new JoinWindowStore(ctx.stores, `${ctx.storeName}_right`, schema.right, step.before + step.after, retention),
  };
  const rowsOf = { left: storedRowCodec(schema.left), right: storedRowCodec(schema.right) };
  const keyCodec = rowCodec([step.schema.columns[0]!.type]);
  const state = openStore(ctx.stores, `${ctx.storeName}_state`, {
    toJson: (v) => {
      if (v === null || typeof v !== 'object' || !('row' in v)) return v;
      const h = v as Held;
      return { ...(rowsOf[h.left ? 'left' : 'right'].toJson(h) as object), left: h.left, key: keyCodec.encode([h.key])[0] };
    },
    fromJson: (j) => {
      if (j === null || typeof j !== 'object' || !('row' in j)) return j;
      const h = j as Held;
      return { ...(rowsOf[h.left ? 'left' : 'right'].fromJson(h) as object), left: h.left, key: keyCodec.decode([h.key])[0] };
    },
  });
  const loadClock = (): Clock => ({ ...((state.get(CLOCK) as Clock | undefined) ?? { streamTime: -1, minTime: Number.MAX_SAFE_INTEGER }) });
  let clock = loadClock();
  let clockDirty = false;
  // The held rows' store keys in order (oldest first): the store can't be walked cheaply per row.
  const loadHeld = (): string[] => (holdOuter ? state.scanPrefix('o\0').map(([k]) => k) : []);
  let held = loadHeld();
  const hold = (k: string, h: Held) => {
    if (state.get(k) === undefined) held.splice(sortedIndex(held, k), 0, k);
    state.put(k, h);
  };
  const release = (k: string) => {
    const i = sortedIndex(held, k);
    if (held[i] !== k) return;
    held.splice(i, 1);
    state.delete(k);
  };

  const heldKey = (ts: number, side: Side, k: readonly unknown[]) => `o\0${sortable(ts)}\0${side === 'left' ? 1 : 0}\0${k.map(keyOrder).join('\0')}`;
  const joined = (side: Side, mine: readonly unknown[] | null, theirs: readonly unknown[] | null, key: unknown): unknown[] => {
    const l = side === 'left' ? mine : theirs;
    const r = side === 'left' ? theirs : mine;
    // Hot path (one per match): filled in place rather than spread.
    const row = new Array<unknown>(1 + width.left + width.right);
    row[0] = key;
    for (let i = 0; i < width.left; i++) row[1 + i] = l === null ? null : l[i];
    for (let i = 0, o = 1 + width.left; i < width.right; i++) row[o + i] = r === null ? null : r[i];
    return row;
  };

  /** Emits the held rows whose windows have closed, oldest first. */
  const emitClosed = (side: Side, c: JoinChange, errors: ErrorSink, out: Downstream) => {
    if (clock.minTime + reach[side].after + grace >= clock.streamTime) return;
    while (held.length > 0) {
      const k = held[0]!;
      const h = state.get(k) as Held;
      clock.minTime = h.ts;
      clockDirty = true;
      const lookBack = h.left ? step.after : step.before;
      if (h.ts + lookBack + grace >= clock.streamTime) break;
      const hs: Side = h.left ? 'left' : 'right';
      out({ row: joined(hs, h.row, null, h.key), deleted: false, timestamp: h.ts, record: c.record, window: h.window }, errors);
      release(k);
    }
  };

  const process = (side: Side, c: JoinChange, errors: ErrorSink, out: Downstream) => {
    // A null value is no event to join (and can't be told from a deletion).
    if (c.deleted) return;
    const k = keys[side].of(c, errors);
    if (k === null) return;
    const ts = c.timestamp;
    if (ts > clock.streamTime) {
      clock.streamTime = ts;
      clockDirty = true;
    }
    // Only inner joins get inert rows, so no held row waits on this one's time.
    if (c.inert) {
      windows[side].observe(ts);
      return;
    }
    const other: Side = side === 'left' ? 'right' : 'left';
    const key = encodeKey(k);
    const from = Math.max(0, ts - reach[side].before);
    const to = Math.max(0, ts + reach[side].after);
    if (holdOuter && ts === clock.streamTime) emitClosed(side, c, errors, out);
    let matched = false;
    for (const m of windows[other].fetch(key, from, to)) {
      matched = true;
      if (holdOuter) release(heldKey(m.ts, other, k));
      const win = side === 'left' ? c.window : m.window;
      out({ row: joined(side, c.row, m.row, k[0]), deleted: false, timestamp: Math.max(ts, m.ts), record: c.record, window: win }, errors);
    }
    if (!matched && outer[side]) {
      if (!holdOuter || to < clock.streamTime) {
        out({ row: joined(side, c.row, null, k[0]), deleted: false, timestamp: ts, record: c.record, window: c.window }, errors);
      } else {
        clock.minTime = Math.min(clock.minTime, ts);
        clockDirty = true;
        hold(heldKey(ts, side, k), { row: c.row, ts, left: side === 'left', key: k[0], window: c.window });
      }
    }
    windows[side].put(key, c.row, ts, c.window);
  };

  return {
    left: (c, errors, out) => process('left', c, errors, out),
    right: (c, errors, out) => process('right', c, errors, out),
    flush() {
      windows.left.flush();
      windows.right.flush();
      // The clock is written once per commit, not once per row.
      if (clockDirty) state.put(CLOCK, { ...clock });
      clockDirty = false;
      state.flush();
    },
    discard() {
      windows.left.discard();
      windows.right.discard();
      state.discard();
      clock = loadClock();
      clockDirty = false;
      held = loadHeld();
    },
    destroy() {
      windows.left.destroy();
      windows.right.destroy();
      state.destroy();
    },
  };
}

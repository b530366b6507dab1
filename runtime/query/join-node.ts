// What the join operators share: the changes they pass up the join chain, their interface,
// and how they compute, encode and store join keys and rows.

import type { Expression } from '../../grammar/ast.js';
import type { Catalog, WindowKind } from '../../planner/catalog.js';
import { formatExpression } from '../../planner/format-expression.js';
import { sourceSteps, type Step, type StepSchema } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import type { StoreOpener } from '../state/storage.js';
import { stringifyJsonExact } from '../serde/json-exact.js';
import type { StateCodec } from '../state/kv-store.js';
import { errorMessage, type ErrorSink } from './errors.js';
import { compileOver, type RowFn } from './expressions.js';
import { rowCodec } from './join-row-codec.js';

export type WindowBounds = readonly [bigint | null, bigint | null];

/** A row a join relation produces: a stream's row, or a table row's new value or deletion. */
export interface JoinChange {
  /** The relation's row; for a deletion only its key columns (or key slot) are set. */
  readonly row: readonly unknown[];
  readonly deleted: boolean;
  /**
   * A table result's previous row for the key (null: none), so a filter downstream can tell a
   * deletion worth forwarding from a row that never passed; undefined when not known.
   */
  readonly old?: readonly unknown[] | null;
  readonly timestamp: number;
  /** The input record that caused the change (its headers go to the output). */
  readonly record: LogRecord;
  readonly window: WindowBounds | null;
  /**
   * A source row the WHERE rejects on its own columns (join-pushdown.ts): it can join nothing
   * the query keeps, so only its time counts. Sent to inner stream-stream joins only.
   */
  readonly inert?: boolean;
}

export type Downstream = (c: JoinChange, errors: ErrorSink) => void;

/** A join operator: changes of its left input and of its right input, results to `out`. */
export interface JoinNode {
  left(c: JoinChange, errors: ErrorSink, out: Downstream): void;
  right(c: JoinChange, errors: ErrorSink, out: Downstream): void;
  flush(): void;
  discard(): void;
  destroy(): void;
}

export interface NodeContext {
  readonly catalog: Catalog;
  /** Opens the state stores (undefined: memory, for transient queries). */
  readonly stores: StoreOpener | undefined;
  /** Unique per join operator of the query: its state stores' names start with it. */
  readonly storeName: string;
}

export function encodeKey(values: readonly unknown[]): string {
  return stringifyJsonExact(values);
}

/**
 * A join expression over an input's rows. Windowed sources join on key and window, as their
 * keys carry it: a time window by its start, a session by both bounds.
 */
export class JoinKey {
  private readonly fn: RowFn;
  private readonly text: string;

  constructor(
    expr: Expression,
    schema: StepSchema,
    catalog: Catalog,
    private readonly window: WindowKind | undefined,
  ) {
    this.fn = compileOver(expr, schema, [], catalog).fn;
    this.text = formatExpression(expr);
  }

  /** The key (the expression's value, then window bounds), or null when it can't join. */
  of(c: JoinChange, errors: ErrorSink): unknown[] | null {
    let v: unknown;
    try {
      v = this.fn(c.row);
    } catch (e) {
      errors({ kind: 'EXPRESSION', message: `Error computing join key ${this.text}: ${errorMessage(e)}`, record: c.record });
      return null;
    }
    // A null key matches nothing: Kafka Streams drops such records from joins.
    if (v === null || v === undefined) return null;
    if (this.window === undefined) return [v];
    return this.window === 'SESSION' ? [v, c.window?.[0] ?? null, c.window?.[1] ?? null] : [v, c.window?.[0] ?? null];
  }
}

/** Windowed sources join windowed sources only, so the left-most source tells. */
export function windowOf(step: Step): WindowKind | undefined {
  return sourceSteps(step)[0]!.windowType;
}

export function nulls(n: number): null[] {
  return new Array<null>(n).fill(null);
}

/** A stored row with the timestamp it carried. */
export interface StoredRow {
  readonly row: readonly unknown[];
  readonly ts: number;
  readonly window: WindowBounds | null;
}

export function storedRowCodec(schema: StepSchema): StateCodec {
  const rows = rowCodec(schema.columns.map((c) => c.type));
  return {
    toJson: (v) => {
      const s = v as StoredRow;
      return { row: rows.encode(s.row), ts: s.ts, window: s.window };
    },
    fromJson: (j) => {
      const s = j as StoredRow;
      return { row: rows.decode(s.row), ts: s.ts, window: s.window };
    },
  };
}

/** Zero-padded decimal, so that string order is numeric order (for non-negative numbers). */
export function sortable(n: number, width = 16): string {
  return String(n).padStart(width, '0');
}

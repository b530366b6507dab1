// Sluice's functions registered on a SQLite connection, so a pull query runs as one SELECT
// with Sluice's semantics (sql-expr.ts decides what runs natively and what runs here):
//
// - an *expression function* runs a typed sub-expression that SQLite has no faithful
//   equivalent for (arithmetic, casts, LIKE, function calls, lambdas...): it is compiled by
//   the same expression compiler as every other query and takes the columns it reads as
//   arguments;
// - an *aggregate* runs one Sluice aggregate call (init / add / result);
// - *wrappers* carry Sluice's failure rules across SQLite, which has no per-expression error
//   handling: a function that fails records the failure and returns NULL (a *poison*), and the
//   wrapper around the top-level expression that contains it consumes it: `sluice_value`
//   turns the whole expression into NULL (a SELECT column whose expression fails is null),
//   `sluice_true` into false (a WHERE or HAVING that fails rejects the row), `sluice_throw`
//   into an error (as ORDER BY does in Sluice). The NULL an expression yields after a failure
//   is never seen: the wrapper replaces it.
// - *sort keys* map a value to a BLOB whose byte order is Sluice's order (compareValues) where
//   SQLite's own order differs: DOUBLE (-0.0 before 0.0, NaN last), STRING (UTF-16 code
//   units, not UTF-8 bytes), BYTES (signed bytes).
//
// Every function is registered as non-deterministic: SQLite evaluates a deterministic function
// with constant arguments once per statement, before the first row, which would record a
// poison no row's wrapper owns, and evaluate eagerly what Sluice evaluates lazily (a CASE
// branch not taken).

import type Database from 'better-sqlite3';
import type { FunctionCatalog } from '../../planner/functions.js';
import type { TypedExpr, TypedFunctionCall } from '../../planner/expressions/typed.js';
import { DOUBLE, type SqlType } from '../../planner/types.js';
import { compileExpression } from '../expr/compile.js';
import { makeAggregate } from '../query/function-calls.js';
import { fromSql, toSqlResult } from './sql-values.js';

export type FailureMode = 'null' | 'truth' | 'throw';

export const WRAPPERS: Readonly<Record<FailureMode, string>> = {
  null: 'sluice_value',
  truth: 'sluice_true',
  throw: 'sluice_throw',
};

export type SortKey = 'double' | 'string' | 'bytes';

export const SORT_KEYS: Readonly<Record<SortKey, string>> = {
  double: 'sluice_key_double',
  string: 'sluice_key_string',
  bytes: 'sluice_key_bytes',
};

/** A column an expression function reads: its slot in the row the compiled expression expects. */
export interface ArgColumn {
  readonly index: number;
  readonly type: SqlType;
}

const byDatabase = new WeakMap<Database.Database, SqlFunctions>();

/** Spans are positions in one statement's text: two calls that differ only there share a function. */
const withoutSpans = (k: string, v: unknown) => (k === 'span' ? undefined : v);

export class SqlFunctions {
  /** The first failure since the last wrapper ran (see the file comment). */
  private failure: { readonly error: unknown } | undefined;
  /** Registered functions by what they compute, so equal sub-expressions share one. */
  private readonly names = new Map<string, string>();

  /** The functions of one connection, registering the wrappers and sort keys on first use. */
  static for(db: Database.Database): SqlFunctions {
    let f = byDatabase.get(db);
    if (!f) {
      f = new SqlFunctions(db);
      byDatabase.set(db, f);
    }
    return f;
  }

  private constructor(private readonly db: Database.Database) {
    const opts = { safeIntegers: true, deterministic: false } as const;
    db.function(WRAPPERS.null, opts, (v: unknown) => (this.take() ? null : v));
    db.function(WRAPPERS.truth, opts, (v: unknown) => (this.take() || v === null ? 0n : Number(v) !== 0 ? 1n : 0n));
    db.function(WRAPPERS.throw, opts, (v: unknown) => {
      const failed = this.take();
      if (failed) throw failed.error;
      return v;
    });
    db.function(SORT_KEYS.double, opts, (v: unknown) => (v === null ? null : doubleKey(fromSql(v, DOUBLE) as number)));
    db.function(SORT_KEYS.string, opts, (v: unknown) => (v === null ? null : Buffer.from(String(v), 'utf16le').swap16()));
    db.function(SORT_KEYS.bytes, opts, (v: unknown) => {
      if (v === null) return null;
      const b = Buffer.from(v as Uint8Array);
      for (let i = 0; i < b.length; i++) b[i]! ^= 0x80;
      return b;
    });
  }

  /**
   * Forgets a failure no wrapper consumed: a statement that stopped with an error (an
   * aggregate that threw) may leave one behind, and it must not reach the next statement.
   */
  reset(): void {
    this.failure = undefined;
  }

  private take(): { readonly error: unknown } | undefined {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  private fail(error: unknown): null {
    this.failure ??= { error };
    return null;
  }

  /**
   * A SQLite function computing `expr` over a row of which it reads `columns` (its arguments,
   * in this order). A failure poisons the enclosing wrapper; sub-expressions the compiler
   * contains (an explicit CAST, a function argument that is a call) become null as usual.
   */
  expression(expr: TypedExpr, columns: readonly ArgColumn[], functions: FunctionCatalog): string {
    const signature = `x${JSON.stringify([expr, columns], withoutSpans)}`;
    const known = this.names.get(signature);
    if (known) return known;
    const fn = compileExpression(expr, { functions });
    const width = columns.reduce((w, c) => Math.max(w, c.index + 1), 0);
    const type = expr.type;
    const name = `sluice_x${this.names.size}`;
    this.db.function(name, { safeIntegers: true, deterministic: false, varargs: true }, (...args: unknown[]) => {
      const row = new Array<unknown>(width);
      for (let i = 0; i < columns.length; i++) row[columns[i]!.index] = fromSql(args[i], columns[i]!.type);
      try {
        return toSqlResult(fn(row), type);
      } catch (e) {
        return this.fail(e);
      }
    });
    this.names.set(signature, name);
    return name;
  }

  /**
   * A SQLite aggregate running one Sluice aggregate call; its arguments are the call's, in
   * order, after the row's position when `ordered` says the aggregate needs one.
   */
  aggregate(call: TypedFunctionCall, functions: FunctionCatalog): { readonly name: string; readonly ordered: boolean } {
    const ordered = !orderInsensitive(call);
    const signature = `a${JSON.stringify(call, withoutSpans)}`;
    const known = this.names.get(signature);
    if (known) return { name: known, ordered };
    const impl = makeAggregate(call, functions);
    const argTypes = call.args.map((a) => a.type);
    const decode = (args: readonly unknown[]) => args.map((v, i) => (argTypes[i] ? fromSql(v, argTypes[i]) : null));
    const name = `sluice_a${this.names.size}`;
    const options = { safeIntegers: true, deterministic: false, varargs: true } as const;
    if (ordered) {
      // SQLite feeds a group's rows in whatever order its plan reads them; this aggregate's
      // result depends on that order (COLLECT_LIST, EARLIEST_BY_OFFSET, a DOUBLE sum), so it
      // collects the rows and adds them in table order: the order their keys were first written.
      this.db.aggregate(name, {
        ...options,
        start: () => ({ rows: [] as [bigint, unknown[]][] }),
        step: (box: { rows: [bigint, unknown[]][] }, ...args: unknown[]) => {
          box.rows.push([args[0] as bigint, decode(args.slice(1))]);
          return box;
        },
        result: (box: { rows: [bigint, unknown[]][] }) => {
          box.rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          let acc = impl.init();
          for (const [, args] of box.rows) acc = impl.add(acc, ...args);
          return toSqlResult(impl.result(acc), call.type);
        },
      });
    } else {
      // The accumulator is boxed: better-sqlite3 keeps the old accumulator when step returns
      // undefined, which a Sluice accumulator may legitimately be.
      this.db.aggregate(name, {
        ...options,
        start: () => ({ acc: impl.init() }),
        step: (box: { acc: unknown }, ...args: unknown[]) => {
          box.acc = impl.add(box.acc, ...decode(args));
          return box;
        },
        result: (box: { acc: unknown }) => toSqlResult(impl.result(box.acc), call.type),
      });
    }
    this.names.set(signature, name);
    return { name, ordered };
  }
}

/** Exact types: combining their values in any order gives the same result. */
const EXACT = new Set(['BOOLEAN', 'INT', 'BIGINT', 'DECIMAL', 'STRING', 'DATE', 'TIME', 'TIMESTAMP']);

/** Aggregates whose result doesn't depend on the order rows are added in. */
function orderInsensitive(call: TypedFunctionCall): boolean {
  switch (call.name.toUpperCase()) {
    case 'COUNT':
      return true;
    case 'SUM':
    case 'MIN':
    case 'MAX':
    case 'COUNT_DISTINCT':
      return call.args.every((a) => a.type !== null && EXACT.has(a.type.kind));
    default:
      return false;
  }
}

/** Big-endian IEEE bits, sign-adjusted so that unsigned byte order is Java's Double.compare. */
function doubleKey(v: number): Buffer {
  const b = Buffer.alloc(8);
  if (Number.isNaN(v)) return b.fill(0xff);
  b.writeDoubleBE(v);
  if (b[0]! & 0x80) for (let i = 0; i < 8; i++) b[i] = ~b[i]! & 0xff;
  else b[0] = b[0]! | 0x80;
  return b;
}

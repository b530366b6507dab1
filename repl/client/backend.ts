// What the REPL and `sluice run` talk to: an Engine in this process (embedded-backend.ts) or a
// Sluice/ksqlDB server over its REST API (remote-backend.ts). Both answer in ksqlDB's REST
// shapes (runtime/rest/entities.ts), so one formatter (repl/format-result.ts) renders either,
// and a result looks the same whichever side computed it.

import type { KsqlEntity } from '../../runtime/rest/entities.js';
import type { JsonValue } from '../../runtime/serde/json-exact.js';

/** A result column: its name and ksqlDB's type text (`INTEGER`, `STRUCT<\`A\` STRING>`). */
export interface ViewColumn {
  readonly name: string;
  readonly type: string;
}

/** One statement's result, ready to render. */
export type ResultView =
  /** A `/ksql` entity (`@type` says which). */
  | { readonly kind: 'entity'; readonly entity: KsqlEntity }
  /** A pull query's rows, values as the REST API writes them. */
  | { readonly kind: 'rows'; readonly statementText: string; readonly columns: readonly ViewColumn[]; readonly rows: readonly (readonly JsonValue[])[] }
  /** A statement ksqlDB answers with no entity (INSERT VALUES, SET, DEFINE): its status line. */
  | { readonly kind: 'status'; readonly statementText: string; readonly message: string }
  /** Text lines (PRINT's records). */
  | { readonly kind: 'lines'; readonly statementText: string; readonly lines: readonly string[] };

/** A running push query (or PRINT): rows as they arrive, until LIMIT, the end, or close(). */
export interface PushStream extends AsyncIterable<readonly JsonValue[]> {
  readonly columns: readonly ViewColumn[];
  /** PRINT: each row is one text line, shown as it is rather than in a table. */
  readonly lines: boolean;
  /** Stops the query; the iteration then ends. Safe to call more than once. */
  close(): Promise<void>;
}

/** A stream or table and its columns: what tab completion offers. */
export interface CatalogSource {
  readonly name: string;
  readonly columns: readonly string[];
}

/**
 * Statement errors are thrown as SluiceError (runtime/engine/api.ts), positioned relative to
 * the statement text given; anything else (a lost connection) is a plain Error.
 */
export interface Backend {
  /** Where statements go, for the banner: `embedded ./sluice-data`, `server http://…`. */
  readonly description: string;
  /** Opens the data directory or checks the server answers, so that failures show at once. */
  open(): Promise<void>;
  /** Any statement but a SELECT: DDL, INSERT, SHOW, DESCRIBE, SET, DEFINE, … */
  execute(statement: string): Promise<ResultView[]>;
  /** A pull query (SELECT without EMIT). */
  pull(statement: string): Promise<ResultView>;
  /** A push query (SELECT … EMIT CHANGES) or a PRINT: the caller has parsed which it is. */
  push(statement: string, kind: 'query' | 'print'): Promise<PushStream>;
  /** The session's variables (DEFINE), to read a statement the way the backend will. */
  variables(): Promise<ReadonlyMap<string, string>>;
  catalog(): Promise<readonly CatalogSource[]>;
  close(): Promise<void>;
}

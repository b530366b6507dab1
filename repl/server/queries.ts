// Running a request's query, shared by /query (ksqlDB's original chunked API) and
// /query-stream (its HTTP/2-era API); each endpoint writes the answer in its own format.
//   - a pull query runs to completion through Engine.execute;
//   - a push query (EMIT CHANGES) starts through Engine.query, is registered with the
//     server's push queries, and streams until its LIMIT, /close-query or the client leaving;
//   - PRINT streams the topic's records as text lines.

import type { Query } from '../../grammar/ast.js';
import type { StatementText } from '../../grammar/index.js';
import type { SourceInfo, StatementResult } from '../../runtime/engine/api.js';
import type { QueryHandle } from '../../runtime/engine/engine.js';
import { toSluiceError } from '../../runtime/engine/errors.js';
import { errorEntity, isScalablePushQuery, transientQueryId } from '../../runtime/rest/entities.js';
import type { SchemaColumn } from '../../runtime/rest/values.js';
import type { ServerContext } from './context.js';
import type { Exchange } from './exchange.js';
import { StatementFailure, statementError } from './errors.js';
import type { RequestScope } from './gate.js';
import { pumpRows } from './push-queries.js';
import { classify, positioned, sourceName, splitRequest, type Classified } from './statements.js';

export interface QueryRequest {
  readonly piece: StatementText;
  readonly classified: Classified;
  readonly scope: RequestScope;
}

/** The request's one statement; anything but a single SELECT or PRINT is a statement error. */
export function queryRequest(sql: string, scope: RequestScope): QueryRequest {
  let pieces: readonly StatementText[];
  try {
    pieces = splitRequest(sql);
  } catch (e) {
    throw new StatementFailure(errorEntity(toSluiceError(e, sql, undefined), sql));
  }
  if (pieces.length !== 1) throw statementError(`Expected exactly one statement, a SELECT or PRINT, but found ${pieces.length}`, sql);
  const piece = pieces[0]!;
  const classified = classify(piece.text, scope.variables);
  if (classified.kind === 'other') {
    throw statementError(`Only SELECT and PRINT statements run here: send other statements to /ksql`, piece.text);
  }
  return { piece, classified, scope };
}

export interface PullAnswer {
  readonly result: Extract<StatementResult, { type: 'rows' }>;
  readonly queryId: string;
  readonly source: SourceInfo | undefined;
  readonly limit: number | undefined;
}

/** Runs a pull query (a statement that didn't parse runs too: the engine reports its error). */
export async function runPull(server: ServerContext, request: QueryRequest): Promise<PullAnswer> {
  const query = request.classified.kind === 'pull' ? request.classified.query : undefined;
  // A pull query changes no session state (one that didn't parse fails before it could).
  const results = await server.gate.run(request.scope, (engine) => engine.execute(positioned(request.piece)), query !== undefined).catch((e: unknown) => {
    throw new StatementFailure(errorEntity(e, request.piece.text));
  });
  const result = results[0];
  if (result?.type !== 'rows') throw statementError('The statement gave no rows', request.piece.text);
  const name = query === undefined ? undefined : sourceName(query);
  const source = name === undefined ? undefined : server.engine.source(name);
  return { result, queryId: transientQueryId('pull', source?.name ?? ''), source, limit: query?.limit };
}

export interface PushStart {
  readonly id: string;
  readonly handle: QueryHandle;
  /** A push query's columns are all value columns, whatever their role in the source. */
  readonly columns: readonly SchemaColumn[];
}

/** Starts a push query (or a PRINT) and registers it; its id is in ksqlDB's style. */
export async function startPush(server: ServerContext, request: QueryRequest): Promise<PushStart> {
  const query: Query | undefined = request.classified.kind === 'push' ? request.classified.query : undefined;
  const started = await server.gate
    .run(request.scope, async (engine) => {
      // ksqlDB names a push query it serves from a persistent query's output differently;
      // which it is depends on the request's properties.
      const props = (await engine.execute('SHOW PROPERTIES;'))[0];
      const properties = props?.type === 'properties' ? props.properties : {};
      const handle = await engine.query(positioned(request.piece));
      const sinks = new Set(engine.queries().flatMap((q) => q.sinks));
      return { handle, scalable: query !== undefined && isScalablePushQuery(query, properties, sinks) };
    })
    .catch((e: unknown) => {
      throw new StatementFailure(errorEntity(e, request.piece.text));
    });
  const source = query === undefined ? undefined : sourceName(query);
  const id = transientQueryId(started.scalable ? 'scalablePush' : 'push', source ?? '');
  server.push.add({ id, sql: request.piece.text, source, handle: started.handle });
  return { id, handle: started.handle, columns: started.handle.columns.map((c) => ({ name: c.name, type: c.type })) };
}

/**
 * Streams a started push query's rows through `write` until it ends by itself ('ended': its
 * LIMIT), or is stopped: by /close-query, by the client leaving, or because the server closes.
 * The query is unregistered either way.
 */
export async function streamPush(server: ServerContext, push: PushStart, ex: Exchange, write: (row: unknown[]) => Promise<void>): Promise<'ended' | 'stopped'> {
  ex.onClientGone(() => server.push.close(push.id));
  try {
    return await pumpRows(
      push.handle,
      (row) => {
        server.metrics.pushRow();
        return write(row);
      },
      () => ex.clientGone || !server.push.has(push.id),
    );
  } finally {
    server.push.close(push.id);
  }
}

/** PRINT: the topic's records as text lines, live, until the client hangs up or /close-query. */
export async function printTopic(ex: Exchange, server: ServerContext, request: QueryRequest): Promise<void> {
  const push = await startPush(server, request);
  ex.begin(200, 'text/plain; charset=utf-8');
  try {
    await streamPush(server, push, ex, (row) => ex.write(`${String(row[0])}\n`));
  } finally {
    ex.end();
  }
}

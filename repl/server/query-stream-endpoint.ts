// POST /query-stream {sql, properties, sessionVariables}: ksqlDB's newer query API (its Java
// client's). The answer starts with the metadata (queryId, columnNames, columnTypes), then one
// JSON array per row, one a line or all in one JSON array as the Accept header asks
// (framing.ts). A push query streams until its LIMIT, /close-query or the client hanging up;
// an error after the metadata is one more element, an error entity. PRINT streams text lines.

import { errorEntity } from '../../runtime/rest/entities.js';
import { ksqlTypeName, restRow, type SchemaColumn } from '../../runtime/rest/values.js';
import { stringifyJsonExact } from '../../runtime/serde/json-exact.js';
import type { ServerContext } from './context.js';
import { requireString, stringMap } from './errors.js';
import type { Exchange } from './exchange.js';
import { framingFor, type Framing } from './framing.js';
import { routedPull } from './pull-forward.js';
import { printTopic, queryRequest, startPush, streamPush, type QueryRequest } from './queries.js';

export async function handleQueryStream(ex: Exchange, server: ServerContext): Promise<void> {
  const body = await ex.jsonBody();
  const scope = { properties: stringMap(body, 'properties'), variables: stringMap(body, 'sessionVariables') };
  const request = queryRequest(requireString(body, 'sql'), scope);
  const framing = framingFor(ex);
  switch (request.classified.kind) {
    case 'push':
      return pushQuery(ex, server, request, framing);
    case 'print':
      return printTopic(ex, server, request);
    default:
      return pullQuery(ex, server, request, framing);
  }
}

function metadata(queryId: string, columns: readonly SchemaColumn[]): string {
  return stringifyJsonExact({ queryId, columnNames: columns.map((c) => c.name), columnTypes: columns.map((c) => ksqlTypeName(c.type)) });
}

async function pullQuery(ex: Exchange, server: ServerContext, request: QueryRequest, framing: Framing): Promise<void> {
  const started = performance.now();
  let ok = false;
  try {
    // Scale-out: the key's owner answers, or every owner adds its rows (pull-forward.ts).
    const answer = await routedPull(ex, server, request, '/query-stream');
    if (answer.kind === 'forwarded') {
      ok = answer.ok;
    } else {
      const { pull, rows } = answer;
      let text = framing.first(metadata(pull.queryId, pull.result.columns));
      for (const row of rows) text += framing.next(stringifyJsonExact(row));
      ex.reply(200, framing.contentType, text + framing.last);
      ok = true;
    }
  } finally {
    server.metrics.pull((performance.now() - started) / 1000, ok);
  }
}

async function pushQuery(ex: Exchange, server: ServerContext, request: QueryRequest, framing: Framing): Promise<void> {
  const started = performance.now();
  const push = await startPush(server, request);
  ex.begin(200, framing.contentType);
  await ex.write(framing.first(metadata(push.id, push.columns)));
  server.metrics.pushStarted((performance.now() - started) / 1000);
  try {
    await streamPush(
      server,
      push,
      ex,
      // A table's tombstone is not sent, as ksqlDB's /query-stream writers drop them: a row
      // here is an array of columns with no place to say so (/query marks them instead).
      (row) => (push.handle.isTombstone(row) ? Promise.resolve() : ex.write(framing.next(stringifyJsonExact(restRow(row, push.columns))))),
    );
    ex.end(framing.last);
  } catch (e) {
    ex.end(framing.next(stringifyJsonExact(errorEntity(e))) + framing.last);
  }
}

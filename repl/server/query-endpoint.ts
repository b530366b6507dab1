// POST /query {ksql, streamsProperties, sessionVariables}: ksqlDB's original query API. The
// answer is one JSON array, streamed (chunked over HTTP/1.1) one element a line: a header
// with the query id and the schema string, then the rows, then for a push query that reached
// its LIMIT (or a pull query on a stream) a final message, as ksqlDB's QueryStreamWriter
// writes it. A push query streams until its LIMIT, /close-query or the client hanging up.
// PRINT streams the topic's records as text lines.

import {
  errorEntity,
  finalMessage,
  LIMIT_REACHED,
  pullQueryResponse,
  QUERY_COMPLETED,
  queryHeader,
  queryRow,
  type StreamedRow,
} from '../../runtime/rest/entities.js';
import { stringifyJsonExact } from '../../runtime/serde/json-exact.js';
import type { ServerContext } from './context.js';
import { requireString, stringMap } from './errors.js';
import { JSON_TYPE, type Exchange } from './exchange.js';
import { routedPull } from './pull-forward.js';
import { printTopic, queryRequest, startPush, streamPush, type QueryRequest } from './queries.js';

export async function handleQuery(ex: Exchange, server: ServerContext): Promise<void> {
  const body = await ex.jsonBody();
  const scope = { properties: stringMap(body, 'streamsProperties'), variables: stringMap(body, 'sessionVariables') };
  const request = queryRequest(requireString(body, 'ksql'), scope);
  switch (request.classified.kind) {
    case 'push':
      return pushQuery(ex, server, request);
    case 'print':
      return printTopic(ex, server, request);
    default:
      return pullQuery(ex, server, request);
  }
}

const json = (m: StreamedRow): string => stringifyJsonExact(m);

async function pullQuery(ex: Exchange, server: ServerContext, request: QueryRequest): Promise<void> {
  const started = performance.now();
  let ok = false;
  try {
    // Scale-out: the key's owner answers, or every owner adds its rows (pull-forward.ts).
    const answer = await routedPull(ex, server, request, '/query');
    if (answer.kind === 'forwarded') {
      ok = answer.ok;
    } else {
      const { pull, rows } = answer;
      let messages = pullQueryResponse(pull.result, pull.queryId, pull.source, pull.limit);
      // Only tables are gathered, and a table's answer is the header and its rows.
      if (answer.gathered) messages = [messages[0]!, ...rows.map((columns): StreamedRow => ({ row: { columns } }))];
      ex.reply(200, JSON_TYPE, `[${messages.map(json).join(',\n')}]\n`);
      ok = true;
    }
  } finally {
    server.metrics.pull((performance.now() - started) / 1000, ok);
  }
}

async function pushQuery(ex: Exchange, server: ServerContext, request: QueryRequest): Promise<void> {
  const started = performance.now();
  const push = await startPush(server, request);
  ex.begin(200, JSON_TYPE);
  // Each element ends with ",\n" as soon as it is written, as ksqlDB writes them: a client
  // reading lines sees the header before any row arrives.
  await ex.write(`[${json(queryHeader(push.id, push.columns))},\n`);
  server.metrics.pushStarted((performance.now() - started) / 1000);
  let last: StreamedRow;
  try {
    const outcome = await streamPush(server, push, ex, (row) => ex.write(`${json(queryRow(row, push.columns, push.handle.isTombstone(row)))},\n`));
    // Ended by /close-query or the server closing: the array still closes properly.
    last = finalMessage(outcome === 'ended' ? LIMIT_REACHED : QUERY_COMPLETED);
  } catch (e) {
    last = { errorMessage: errorEntity(e) };
  }
  ex.end(`${json(last)}]\n`);
}

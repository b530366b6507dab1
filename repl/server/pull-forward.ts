// Scale-out (Kafka mode): pull queries whose rows live on other instances of the service.
// The engine decides the route (runtime/engine/statements/pull-route.ts); here it is carried
// out over HTTP/1.1 (node:http, one keep-alive agent):
//   - forward: the request goes to the owner's same endpoint with the same statement,
//     properties and variables, and the owner's answer is relayed as it is (status and body);
//   - gather: every other owner is asked through /query-stream (one JSON row a line) and
//     its rows are merged with this instance's own (sorted again for ORDER BY), OFFSET and
//     LIMIT applied after merging (each part answers without the OFFSET, see partRequest).
// Both mark the request with LOCAL_ONLY_PROPERTY, so the owner answers from its own rows and
// never forwards again: requests cannot loop. An owner that does not answer is a 503.

import http from 'node:http';
import type { SqlType } from '../../planner/types.js';
import { LOCAL, LOCAL_ONLY_PROPERTY, TASKS_PROPERTY, type Owner, type PullRoute } from '../../runtime/engine/statements/pull-route.js';
import { errorEntity, type KsqlErrorEntity } from '../../runtime/rest/entities.js';
import { restRowReader } from '../../runtime/rest/read-values.js';
import { restRow } from '../../runtime/rest/values.js';
import { parseJsonExact, type JsonValue } from '../../runtime/serde/json-exact.js';
import type { ServerContext } from './context.js';
import { HttpError, StatementFailure } from './errors.js';
import type { Exchange } from './exchange.js';
import { DELIMITED_TYPE } from './framing.js';
import { positioned } from './statements.js';
import { runPull, type PullAnswer, type QueryRequest } from './queries.js';

/** How long an owner may take to answer before the query fails with a 503. */
const FORWARD_TIMEOUT_MS = 30_000;
const SERVICE_UNAVAILABLE = 50300;

// Unref'd when idle (node:http does so for keep-alive sockets), so it never holds the process open.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export type QueryEndpoint = '/query' | '/query-stream';

/** Where the request's pull query is answered (through the gate: the request's scope applies). */
async function pullRouteFor(server: ServerContext, request: QueryRequest): Promise<PullRoute> {
  if (request.classified.kind !== 'pull') return LOCAL;
  const route = await server.gate.run(request.scope, (engine) => engine.pullRoute(positioned(request.piece)), true).catch((e: unknown) => {
    // A query that cannot be answered across instances (e.g. an aggregate over a scan): a 400.
    throw new StatementFailure(errorEntity(e, request.piece.text));
  });
  if (route.kind === 'unavailable') throw unavailable(route.message);
  return route;
}

/** Sends the request to the owner of its keys and relays the owner's answer unchanged; true when it answered 200. */
async function forwardPull(ex: Exchange, request: QueryRequest, owner: Owner, endpoint: QueryEndpoint): Promise<boolean> {
  const accept = ex.header('accept');
  const answer = await post(owner.url, endpoint, requestBody(request, endpoint, owner), {
    ...(accept !== undefined ? { accept } : {}),
    ...authorization(ex),
  });
  ex.reply(answer.status, answer.contentType ?? 'application/json', answer.body);
  return answer.status === 200;
}

/** A pull query as /query and /query-stream answer it: relayed from the key's owner, or run here. */
export type RoutedPull =
  /** The owner's answer was relayed to the client (`ok`: it was a 200). */
  | { readonly kind: 'forwarded'; readonly ok: boolean }
  /** Run here; `rows` are this instance's own, merged with every other owner's when `gathered`. */
  | { readonly kind: 'answered'; readonly pull: PullAnswer; readonly rows: JsonValue[][]; readonly gathered: boolean };

/** Routes the request's pull query (pull-route.ts) and carries the route out. */
export async function routedPull(ex: Exchange, server: ServerContext, request: QueryRequest, endpoint: QueryEndpoint): Promise<RoutedPull> {
  const route = await pullRouteFor(server, request);
  if (route.kind === 'forward') return { kind: 'forwarded', ok: await forwardPull(ex, request, route, endpoint) };
  const part = partRequest(request, route);
  const pull = await runPull(server, part);
  return { kind: 'answered', pull, rows: await gatherRows(ex, part, route, pull.result), gathered: route.kind === 'gather' };
}

/**
 * The request each part of a gather answers (this instance's, and every owner's): with an
 * OFFSET, the statement without it and with its LIMIT widened (PullRoute's `paged`).
 */
function partRequest(request: QueryRequest, route: PullRoute): QueryRequest {
  if (route.kind !== 'gather' || route.paged === undefined) return request;
  return { ...request, piece: { ...request.piece, text: route.paged.sql } };
}

/**
 * The answer's rows as REST JSON rows: this instance's own, merged (for a gather) with every
 * other owner's, OFFSET and LIMIT applied to the whole; `request` is partRequest's. With
 * ORDER BY the merged rows are read back into runtime values and sorted as one instance
 * would sort them.
 */
async function gatherRows(ex: Exchange, request: QueryRequest, route: PullRoute, local: PullRows): Promise<JsonValue[][]> {
  const json = (rows: readonly (readonly unknown[])[]) => rows.map((row) => restRow(row, local.columns));
  if (route.kind !== 'gather') return json(local.rows);
  const parts = await Promise.all(route.from.map((owner) => remoteRows(ex, request, owner)));
  if (route.order === undefined) {
    const rows = json(local.rows).concat(...parts);
    const from = route.paged?.offset ?? 0;
    return rows.slice(from, route.limit === undefined ? undefined : from + route.limit);
  }
  const read = restRowReader(local.columns);
  const all = local.rows.map((r) => [...r]);
  for (const [i, part] of parts.entries()) {
    for (const row of part) {
      try {
        all.push(read(row));
      } catch (e) {
        throw unavailable(`The instance at ${route.from[i]!.url} answered a row this one cannot read: ${(e as Error).message}`);
      }
    }
  }
  return json(route.order(all));
}

/** A pull query's own answer: its columns and runtime rows. */
export interface PullRows {
  readonly columns: readonly { readonly type: SqlType }[];
  readonly rows: readonly (readonly unknown[])[];
}

async function remoteRows(ex: Exchange, request: QueryRequest, owner: Owner): Promise<JsonValue[][]> {
  const url = owner.url;
  const answer = await post(url, '/query-stream', requestBody(request, '/query-stream', owner), { accept: DELIMITED_TYPE, ...authorization(ex) });
  const lines = answer.body.split('\n').filter((l) => l.trim() !== '');
  if (answer.status !== 200) throw ownerError(url, answer.status, answer.body);
  const rows: JsonValue[][] = [];
  // The first element is the metadata (query id, columns); an error mid-answer is an object too.
  for (const line of lines.slice(1)) {
    const element = parseElement(url, line);
    if (!Array.isArray(element)) throw ownerError(url, 500, line);
    rows.push(element);
  }
  return rows;
}

function parseElement(url: string, line: string): JsonValue {
  try {
    return parseJsonExact(line);
  } catch {
    throw unavailable(`The instance at ${url} answered the forwarded pull query with malformed JSON`);
  }
}

/**
 * The request as the endpoint takes it, marked so the owner answers from its own rows, and
 * only while it still runs the tasks it is asked for.
 */
function requestBody(request: QueryRequest, endpoint: QueryEndpoint, owner: Owner): Record<string, unknown> {
  const properties = { ...request.scope.properties, [LOCAL_ONLY_PROPERTY]: 'true', [TASKS_PROPERTY]: owner.tasks.join(',') };
  // Padded as in the request, so the owner's errors point at the request's own line:col.
  const sql = positioned(request.piece);
  return endpoint === '/query'
    ? { ksql: sql, streamsProperties: properties, sessionVariables: request.scope.variables }
    : { sql, properties, sessionVariables: request.scope.variables };
}

/** The caller's credentials go along: every instance of a service checks the same users. */
function authorization(ex: Exchange): Record<string, string> {
  const auth = ex.header('authorization');
  return auth === undefined ? {} : { authorization: auth };
}

/** An owner's error entity is the answer's error; anything else says which owner failed. */
function ownerError(url: string, status: number, body: string): Error {
  let entity: unknown;
  try {
    entity = JSON.parse(body);
  } catch {
    entity = undefined;
  }
  if (isErrorEntity(entity)) return new StatementFailure(entity);
  return unavailable(`The instance at ${url} failed to answer the forwarded pull query (HTTP ${status})`);
}

function isErrorEntity(v: unknown): v is KsqlErrorEntity {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (e['@type'] === 'statement_error' || e['@type'] === 'generic_error') && typeof e.error_code === 'number' && typeof e.message === 'string';
}

function unavailable(message: string): HttpError {
  return new HttpError(503, SERVICE_UNAVAILABLE, message);
}

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** POSTs JSON and reads the whole answer; a connection the peer had closed is retried once. */
async function post(url: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  try {
    return await postOnce(url, path, body, headers);
  } catch (e) {
    if (!(e instanceof StaleSocket)) throw e;
    return postOnce(url, path, body, headers);
  }
}

/** A pooled keep-alive socket that the peer had closed: the request never reached it. */
class StaleSocket extends Error {}

function postOnce(url: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  let target: URL;
  try {
    target = new URL(path, url);
  } catch {
    return Promise.reject(unavailable(`The owner's advertised URL ${url} is not a URL`));
  }
  if (target.protocol !== 'http:') return Promise.reject(unavailable(`Forwarding pull queries supports http:// owners only, not ${url}`));
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        // An IPv6 literal comes bracketed in a URL, and without brackets in a host option.
        host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
        timeout: FORWARD_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 502, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.once('error', (e) => reject(unavailable(`The instance at ${url} broke off its answer: ${e.message}`)));
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS} ms`)));
    req.once('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) reject(new StaleSocket(e.message));
      else reject(unavailable(`The instance at ${url}, which owns rows of this pull query, did not answer: ${e.message}`));
    });
    req.end(payload);
  });
}

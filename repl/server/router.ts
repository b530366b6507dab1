// Routes a request to its endpoint, after authentication when the server has users. Every
// failure becomes a ksqlDB-shaped JSON error with a 4xx (the client's fault) or 500 status;
// none escapes to crash the server.

import { errorStatus } from '../../runtime/rest/entities.js';
import type { BasicAuthVerifier } from './auth.js';
import type { ServerContext } from './context.js';
import { HttpError, methodNotAllowed, notFound, StatementFailure, unauthorized } from './errors.js';
import { Exchange, type RawRequest, type RawResponse } from './exchange.js';
import {
  handleCloseQuery,
  handleHealthcheck,
  handleInfo,
  handleMetrics,
  handleStatus,
  handleStatusList,
} from './info-endpoints.js';
import { handleInsertsStream } from './inserts-stream-endpoint.js';
import { handleKsql } from './ksql-endpoint.js';
import { handleQuery } from './query-endpoint.js';
import { handleQueryStream } from './query-stream-endpoint.js';

type Handler = (ex: Exchange, server: ServerContext) => Promise<void>;

interface Route {
  readonly method: 'GET' | 'POST';
  /** The exact path, or with a trailing `*` a prefix. */
  readonly path: string;
  readonly handler: Handler;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/ksql', handler: handleKsql },
  { method: 'POST', path: '/query', handler: handleQuery },
  { method: 'POST', path: '/query-stream', handler: handleQueryStream },
  { method: 'POST', path: '/inserts-stream', handler: handleInsertsStream },
  { method: 'POST', path: '/close-query', handler: handleCloseQuery },
  { method: 'GET', path: '/info', handler: handleInfo },
  { method: 'GET', path: '/healthcheck', handler: handleHealthcheck },
  { method: 'GET', path: '/status', handler: handleStatusList },
  { method: 'GET', path: '/status/*', handler: handleStatus },
  { method: 'GET', path: '/metrics', handler: handleMetrics },
];

const matches = (route: Route, path: string): boolean =>
  route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) && path.length > route.path.length - 1 : path === route.path;

export function router(server: ServerContext, verifier: BasicAuthVerifier | undefined): (req: RawRequest, res: RawResponse) => void {
  return (req, res) => {
    const ex = new Exchange(req, res, server.maxBodyBytes);
    void dispatch(ex, server, verifier);
  };
}

async function dispatch(ex: Exchange, server: ServerContext, verifier: BasicAuthVerifier | undefined): Promise<void> {
  const candidates = ROUTES.filter((r) => matches(r, ex.path));
  const route = candidates.find((r) => r.method === ex.method);
  try {
    if (verifier !== undefined) {
      ex.user = await verifier.verify(ex.header('authorization'));
      if (ex.user === undefined) throw unauthorized();
    }
    if (route === undefined) {
      if (candidates.length === 0) throw notFound(`No endpoint ${ex.path}`);
      throw methodNotAllowed(ex.method, ex.path, candidates.map((r) => r.method).join(', '));
    }
    await route.handler(ex, server);
  } catch (e) {
    fail(ex, e);
  } finally {
    server.metrics.request(route?.path ?? 'unknown', ex.status);
  }
}

function fail(ex: Exchange, e: unknown): void {
  if (ex.clientGone) return;
  if (e instanceof HttpError) ex.sendError(e);
  else if (e instanceof StatementFailure) ex.send(errorStatus(e.entity), e.entity);
  else {
    ex.send(500, { '@type': 'generic_error', error_code: 50000, message: e instanceof Error ? e.message : String(e) });
  }
}

// Failures of the HTTP layer itself (bad body, unknown path, no credentials…) as ksqlDB's
// error entities: `{"@type": "generic_error", "error_code", "message"}`, where the error code
// is the HTTP status times 100 plus a detail digit, as in ksqlDB's Errors. Failures of a
// statement are runtime/rest's errorEntity (a statement_error with the statement's text).

import { ERROR_CODES, type KsqlEntity, type KsqlErrorEntity } from '../../runtime/rest/entities.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    /** Extra response headers, e.g. WWW-Authenticate on a 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  entity(): KsqlErrorEntity {
    return { '@type': 'generic_error', error_code: this.errorCode, message: this.message };
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, ERROR_CODES.BAD_REQUEST, message);

export const notFound = (message: string): HttpError => new HttpError(404, ERROR_CODES.NOT_FOUND, message);

export const unauthorized = (): HttpError =>
  new HttpError(401, 40100, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="sluice", charset="UTF-8"' });

export const forbidden = (message: string): HttpError => new HttpError(403, 40300, message);

export const methodNotAllowed = (method: string, path: string, allowed: string): HttpError =>
  new HttpError(405, 40500, `Method ${method} is not allowed on ${path}: use ${allowed}`, { Allow: allowed });

export const payloadTooLarge = (limit: number): HttpError => new HttpError(413, 41300, `The request body exceeds the limit of ${limit} bytes`);

export const notAcceptable = (accept: string, offered: readonly string[]): HttpError =>
  new HttpError(406, 40600, `Cannot produce ${accept}: this endpoint answers ${offered.join(' or ')}`);

/** A request field of the wrong kind: `{ksql: 5}`, a missing `sql`. */
export function requireString(body: Readonly<Record<string, unknown>>, field: string): string {
  const v = body[field];
  if (typeof v !== 'string') throw badRequest(`The request needs a string field '${field}'`);
  return v;
}

/** `streamsProperties` / `properties` / `sessionVariables`: an object of scalars, as strings. */
export function stringMap(body: Readonly<Record<string, unknown>>, field: string): Readonly<Record<string, string>> {
  const v = body[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`'${field}' must be an object of names to values`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x !== null && typeof x === 'object') throw badRequest(`'${field}.${k}' must be a string, number or boolean`);
    out[k] = String(x);
  }
  return out;
}

/** A statement failed: ksqlDB's error entity for it, sent with the status its code implies. */
export class StatementFailure extends Error {
  constructor(readonly entity: KsqlErrorEntity) {
    super(entity.message);
  }
}

/** ksqlDB's answer to a query sent to /ksql. */
export function queryEndpointError(statementText: string, entities: readonly KsqlEntity[]): StatementFailure {
  return new StatementFailure({
    '@type': 'statement_error',
    error_code: ERROR_CODES.QUERY_ENDPOINT,
    message: "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT",
    statementText,
    entities,
  });
}

/** A statement error of Sluice's own wording (e.g. a /query request that is not one query). */
export function statementError(message: string, statementText: string): StatementFailure {
  return new StatementFailure({ '@type': 'statement_error', error_code: ERROR_CODES.BAD_STATEMENT, message, statementText, entities: [] });
}

// Compares the REST responses Sluice gave with a RQTT case's expected ones, as ksqlDB's
// RestTestExecutor does:
//   - responses pair up by position; there must be at least as many as expected;
//   - matching is partial: only the keys the case lists are checked, recursively, and a key
//     `name|starts_with` checks that the actual string starts with the expected one;
//   - `{STATEMENT}` in an expected string stands for the statement at the response's index;
//   - a query response must have exactly as many messages (header, rows, final message) as
//     expected; every message matches by position except the rows' `columns`, which compare
//     as a multiset across the response unless the case sets verifyOrder.
// Values compare with the QTT comparison (../compare.ts): DOUBLE columns within 1e-6, exact
// numbers exactly, whatever JSON spelling they came in.

import type { SqlType } from '../../../planner/types.js';
import type { KsqlEntity, StreamedRow } from '../../../runtime/rest/entities.js';
import { diffValue, show } from '../compare.js';
import { isObject } from '../loader.js';
import type { ExpectedResponse } from './loader.js';

/** A response Sluice gave: an admin entity, or a query's messages with its column types. */
export type ActualResponse =
  | { readonly kind: 'admin'; readonly entity: KsqlEntity }
  | { readonly kind: 'query'; readonly messages: readonly StreamedRow[]; readonly types: readonly SqlType[] };

const MATCH_DELIMITER = '|';

/** Undefined when every expected response matches, else the first mismatch. */
export function diffResponses(
  actual: readonly ActualResponse[],
  expected: readonly ExpectedResponse[],
  statements: readonly string[],
  verifyOrder: boolean,
): string | undefined {
  if (actual.length < expected.length) {
    return `expected ${expected.length} responses, got ${actual.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    const d = diffResponse(actual[i]!, expected[i]!, statements[i], verifyOrder, `responses[${i}]`);
    if (d !== undefined) return d;
  }
  return undefined;
}

function diffResponse(
  actual: ActualResponse,
  expected: ExpectedResponse,
  statement: string | undefined,
  verifyOrder: boolean,
  path: string,
): string | undefined {
  const keys = Object.keys(expected);
  if (keys.length !== 1) return `${path}: an expected response has exactly one key, got ${keys.join(', ')}`;
  const kind = keys[0]!;
  const payload = expected[kind];
  if (kind === 'admin') {
    if (actual.kind !== 'admin') return `${path}: expected an admin response, got a query response`;
    if (!isObject(payload)) return `${path}->admin: the expected payload is not an object`;
    return matchFields(actual.entity, payload, { statement, verifyOrder, pool: undefined }, `${path}->admin`);
  }
  if (kind === 'query') {
    if (actual.kind !== 'query') return `${path}: expected a query response, got ${String(actual.entity['@type'])}`;
    if (!Array.isArray(payload)) return `${path}->query: the expected payload is not an array`;
    return diffQuery(actual, payload, statement, verifyOrder, `${path}->query`);
  }
  return `${path}: unknown response kind ${kind}`;
}

function diffQuery(
  actual: Extract<ActualResponse, { kind: 'query' }>,
  expected: readonly unknown[],
  statement: string | undefined,
  verifyOrder: boolean,
  path: string,
): string | undefined {
  if (actual.messages.length !== expected.length) {
    return `${path}: expected ${expected.length} messages, got ${actual.messages.length}: ${show(actual.messages, 400)}`;
  }
  const pool: RowPool = { actual: [], expected: [], types: actual.types };
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!isObject(e)) return `${path}[${i}]: the expected message is not an object`;
    const d = matchFields(actual.messages[i], e, { statement, verifyOrder, pool }, `${path}[${i}]`);
    if (d !== undefined) return d;
  }
  return diffPool(pool, path);
}

/** The `columns` of a query's rows, set aside to compare as a multiset. */
interface RowPool {
  readonly actual: unknown[];
  readonly expected: unknown[];
  readonly types: readonly SqlType[];
}

interface MatchContext {
  readonly statement: string | undefined;
  readonly verifyOrder: boolean;
  /** Set inside a query response. */
  readonly pool: RowPool | undefined;
}

function matchFields(actual: unknown, expected: Readonly<Record<string, unknown>>, ctx: MatchContext, path: string): string | undefined {
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object, got ${show(actual)}`;
  const fields = actual as Readonly<Record<string, unknown>>;
  for (const [rawKey, rawValue] of Object.entries(expected)) {
    const split = rawKey.indexOf(MATCH_DELIMITER);
    const key = split < 0 ? rawKey : rawKey.slice(0, split);
    const operator = split < 0 ? 'equals' : rawKey.slice(split + 1).toLowerCase();
    const want = typeof rawValue === 'string' && ctx.statement !== undefined ? rawValue.split('{STATEMENT}').join(ctx.statement) : rawValue;
    if (!(key in fields)) return `${path}: no ${key} in ${show(actual)}`;
    const got = fields[key];
    const at = `${path}->${key}`;
    if (isObject(want)) {
      const d = matchFields(got, want, ctx, at);
      if (d !== undefined) return d;
    } else if (operator === 'starts_with') {
      if (typeof got !== 'string' || typeof want !== 'string' || !got.startsWith(want)) {
        return `${at}: ${show(got)} does not start with ${show(want)}`;
      }
    } else if (operator !== 'equals') {
      return `${at}: unknown match operator ${operator}`;
    } else if (key === 'columns' && ctx.pool !== undefined && path.endsWith('->row')) {
      if (ctx.verifyOrder) {
        if (!columnsMatch(got, want, ctx.pool.types)) return `${at}: ${show(got)} != ${show(want)}`;
      } else {
        ctx.pool.actual.push(got);
        ctx.pool.expected.push(want);
      }
    } else if (diffValue(got, want, undefined, '') !== undefined) {
      return `${at}: ${show(got)} != ${show(want)}`;
    }
  }
  return undefined;
}

/** Rows as a multiset: every actual row pairs with a distinct expected one. */
function diffPool(pool: RowPool, path: string): string | undefined {
  const unmatched = pool.expected.map((_, i) => i);
  for (const row of pool.actual) {
    const hit = unmatched.findIndex((i) => columnsMatch(row, pool.expected[i], pool.types));
    if (hit < 0) {
      return `${path}: row ${show(row)} is not among the expected rows ${show(unmatched.map((i) => pool.expected[i]))}`;
    }
    unmatched.splice(hit, 1);
  }
  return undefined;
}

function columnsMatch(actual: unknown, expected: unknown, types: readonly SqlType[]): boolean {
  if (!Array.isArray(actual) || !Array.isArray(expected)) return diffValue(actual, expected, undefined, '') === undefined;
  if (actual.length !== expected.length) return false;
  return expected.every((e, i) => diffValue(actual[i], e, types[i], '') === undefined);
}

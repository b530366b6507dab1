// Runs one RQTT case on a fresh in-memory Engine, reproducing ksqlDB's RestTestExecutor:
//   1. topics first, then the statements before the first `SELECT ` (the admin request),
//      each answered with the /ksql entity the REST server would give (runtime/rest);
//   2. the inputs, piped one at a time with the engine drained after each, so persistent
//      queries have processed them before any query runs; with waitForActivePushQuery they
//      are piped only once the (single) push query has started;
//   3. the queries in order: a pull query through execute(), a push query (EMIT CHANGES)
//      through query(), collected until its LIMIT or until no row comes for a while;
//   4. output topics compared as in QTT, then the responses (compare-responses.ts).
// A case with expectedError passes when a statement fails with a matching error entity
// (type and status; the message is optional, as in QTT) and no query after it succeeds.
//
// The statements and queries go to a RestTarget: in-process, the engine's results mapped to
// entities by runtime/rest as the server would; over HTTP ('http' mode, http-target.ts), the
// real server's responses on a loopback socket. Inputs, drains and output topics use the
// engine directly either way, as ksqlDB's harness uses Kafka directly.

import type { Query, Statement } from '../../../grammar/ast.js';
import { parseStatement } from '../../../grammar/index.js';
import type { SqlType } from '../../../planner/types.js';
import type { Engine, QueryHandle } from '../../../runtime/engine/engine.js';
import {
  type KsqlEntity,
  type KsqlErrorEntity,
  LIMIT_REACHED,
  errorEntity,
  errorStatus,
  finalMessage,
  isScalablePushQuery,
  ksqlEntities,
  pullQueryResponse,
  queryHeader,
  queryRow,
  transientQueryId,
  type StreamedRow,
} from '../../../runtime/rest/entities.js';
import {
  DEFAULT_CASE_TIMEOUT_MS,
  HARNESS_PROPERTIES,
  OutputCollector,
  checkDeadline,
  compareTopic,
  createCaseTopics,
  delay,
  firstLine,
  judgeRejection,
  message,
  produceInput,
  runWithEngine,
  type CaseOutcome,
} from '../run-case.js';
import { diffResponses, type ActualResponse } from './compare-responses.js';
import { httpTarget } from './http-target.js';
import type { RqttCase } from './loader.js';

/**
 * The server settings of ksqlDB's RQTT harness (RestQueryTranslationTest) that Sluice reads
 * or reports: table scans in pull queries, and scalable push queries.
 */
const SERVER_PROPERTIES: Readonly<Record<string, string>> = {
  'ksql.query.pull.table.scan.enabled': 'true',
  'ksql.query.push.v2.enabled': 'true',
};

/**
 * ksqlDB runs RQTT on a real Kafka cluster, where topics the case doesn't size get 4
 * partitions: ROWPARTITION, co-partitioning and per-partition order depend on it.
 */
const CLUSTER_DEFAULT_PARTITIONS = 4;

/** How long a push query that hasn't reached its LIMIT may go without a row before it counts as done. */
export const PUSH_IDLE_MS = 400;

/** How a case reaches Sluice: Engine calls in-process, or HTTP requests to a server on the engine. */
export type RestMode = 'engine' | 'http';

/**
 * Where a case's statements and queries go. Failures are thrown as a RestFailure: the error
 * entity and HTTP status a client would see.
 */
export interface RestTarget {
  /** One statement through /ksql: its entities. */
  admin(sql: string): Promise<KsqlEntity[]>;
  /** A pull query through /query. */
  pull(sql: string, query: Query | undefined): Promise<ActualResponse>;
  /** A push query through /query: its rows until its LIMIT or PUSH_IDLE_MS without one. */
  push(sql: string, query: Query, startInputs: (() => Promise<string | undefined>) | undefined, deadline: number): Promise<ActualResponse>;
  close(): Promise<void>;
}

export class RestFailure extends Error {
  constructor(
    readonly entity: KsqlErrorEntity,
    readonly status: number,
  ) {
    super(entity.message);
  }
}

export async function runRestCase(c: RqttCase, timeoutMs = DEFAULT_CASE_TIMEOUT_MS, mode: RestMode = 'engine'): Promise<CaseOutcome> {
  const properties = { ...HARNESS_PROPERTIES, ...SERVER_PROPERTIES, ...c.properties };
  return runWithEngine(properties, timeoutMs, async (engine, deadline) => {
    const target = mode === 'http' ? await httpTarget(engine) : engineTarget(engine, properties);
    try {
      return await execute(engine, target, c, deadline);
    } finally {
      await target.close();
    }
  });
}

/** The in-process target: engine results as the server would map them. */
function engineTarget(engine: Engine, properties: Readonly<Record<string, string>>): RestTarget {
  const failure = (e: unknown, sql: string): unknown => {
    // A failed input, or the case's deadline (not an Error), is not the statement's failure.
    if (e instanceof InputFailure || !(e instanceof Error)) return e;
    const entity = errorEntity(e, sql);
    return new RestFailure(entity, errorStatus(entity));
  };
  return {
    async admin(sql) {
      try {
        const results = await engine.execute(sql);
        return ksqlEntities(results, { queries: engine.queries(), sources: engine.sources() });
      } catch (e) {
        throw failure(e, sql);
      }
    },
    async pull(sql, query) {
      try {
        const results = await engine.execute(sql);
        const rows = results[0];
        if (rows?.type !== 'rows') throw new Error(`a query gave ${rows?.type ?? 'no result'}`);
        const source = query?.from.kind === 'TableRef' ? engine.source(query.from.name) : undefined;
        const messages = pullQueryResponse(rows, transientQueryId('pull', source?.name ?? ''), source, query?.limit);
        return { kind: 'query', messages, types: rows.columns.map((col) => col.type) };
      } catch (e) {
        throw failure(e, sql);
      }
    },
    async push(sql, query, startInputs, deadline) {
      try {
        return await pushQuery(engine, sql, query, properties, startInputs, deadline);
      } catch (e) {
        throw failure(e, sql);
      }
    },
    close: async () => undefined,
  };
}

/** ksqlDB's split: every statement from the first that starts with `SELECT ` is a query. */
function firstQueryIndex(statements: readonly string[]): number {
  const i = statements.findIndex((s) => s.startsWith('SELECT '));
  return i < 0 ? statements.length : i;
}

async function execute(engine: Engine, target: RestTarget, c: RqttCase, deadline: number): Promise<CaseOutcome> {
  const log = await engine.log();
  await createCaseTopics(log, c, CLUSTER_DEFAULT_PARTITIONS);
  const responses: ActualResponse[] = [];

  const queriesFrom = firstQueryIndex(c.statements);
  for (let i = 0; i < queriesFrom; i++) {
    checkDeadline(deadline);
    try {
      for (const entity of await target.admin(c.statements[i]!)) responses.push({ kind: 'admin', entity });
    } catch (e) {
      if (!(e instanceof RestFailure)) throw e;
      return rejected(c, e, i);
    }
  }

  let inputsPiped = false;
  const pipeInputs = async (): Promise<string | undefined> => {
    inputsPiped = true;
    await engine.drain();
    for (let i = 0; i < c.inputs.length; i++) {
      checkDeadline(deadline);
      const failure = await produceInput(log, c, i, engine.sources());
      if (failure !== undefined) return failure;
      await engine.drain();
    }
    return undefined;
  };
  if (!c.waitForActivePushQuery) {
    const failure = await pipeInputs();
    if (failure !== undefined) return { status: 'failed', reason: failure };
  }

  let rejection: CaseOutcome | undefined;
  for (let i = queriesFrom; i < c.statements.length; i++) {
    checkDeadline(deadline);
    const sql = c.statements[i]!;
    const query = parsedQuery(sql);
    try {
      if (query?.emit !== undefined) {
        const startInputs = c.waitForActivePushQuery && !inputsPiped ? pipeInputs : undefined;
        responses.push(await target.push(sql, query, startInputs, deadline));
      } else {
        responses.push(await target.pull(sql, query));
      }
      // As in ksqlDB's harness, no query may succeed in a case that expects an error.
      if (c.expectedError !== undefined) {
        return { status: 'failed', reason: `statement ${i + 1} succeeded, but the case expects it to fail` };
      }
    } catch (e) {
      if (e instanceof InputFailure) return { status: 'failed', reason: e.message };
      if (!(e instanceof RestFailure)) throw e;
      const outcome = rejected(c, e, i);
      if (outcome.status === 'failed') return outcome;
      rejection ??= outcome;
    }
  }
  if (rejection !== undefined) return rejection;
  if (c.expectedError !== undefined) return { status: 'failed', reason: 'expected an error, but all statements succeeded' };

  checkDeadline(deadline);
  const outputTopics = [...new Set(c.outputs.map((r) => r.topic))];
  const collector = new OutputCollector(log, outputTopics);
  await engine.drain();
  await collector.collect();
  const sources = engine.sources();
  for (const topic of outputTopics) {
    const outcome = compareTopic(c, topic, collector.records(topic), sources);
    if (outcome !== undefined) return outcome;
  }

  const diff = diffResponses(responses, c.responses, c.statements, c.verifyOrder);
  return diff === undefined ? { status: 'passed' } : { status: 'failed', reason: diff };
}

/** The outcome of statement `index` failing with `e`: passed only if the case expects an error like it. */
function rejected(c: RqttCase, e: RestFailure, index: number): CaseOutcome {
  if (c.expectedError === undefined) {
    return { status: 'failed', reason: `statement ${index + 1} rejected: ${firstLine(e.message)}` };
  }
  const entity = e.entity;
  const expected = c.expectedError;
  // KsqlStatementErrorMessage is a KsqlErrorMessage: a statement error satisfies either.
  if (expected.type?.endsWith('.KsqlStatementErrorMessage') && entity['@type'] !== 'statement_error') {
    return { status: 'failed', reason: `statement ${index + 1} failed with a ${entity['@type']}, expected a statement error: ${firstLine(entity.message)}` };
  }
  if (expected.status !== undefined && e.status !== expected.status) {
    return { status: 'failed', reason: `statement ${index + 1} failed with status ${e.status}, expected ${expected.status}: ${firstLine(entity.message)}` };
  }
  return judgeRejection(expected.message, new Error(entity.message), index);
}

/** The statement's query, if it parses as one (the engine reports a syntax error itself). */
function parsedQuery(sql: string): Query | undefined {
  let stmt: Statement;
  try {
    stmt = parseStatement(sql.trim().replace(/;$/, ''));
  } catch {
    return undefined;
  }
  return stmt.kind === 'QueryStatement' ? stmt.query : undefined;
}

/** An input that couldn't be piped while a push query ran: the case fails, not the query. */
export class InputFailure extends Error {}

async function pushQuery(
  engine: Engine,
  sql: string,
  query: Query,
  properties: Readonly<Record<string, string>>,
  startInputs: (() => Promise<string | undefined>) | undefined,
  deadline: number,
): Promise<ActualResponse> {
  const handle = await engine.query(sql);
  try {
    const sinks = new Set(engine.queries().flatMap((q) => q.sinks));
    const scalable = isScalablePushQuery(query, properties, sinks);
    const sourceName = query.from.kind === 'TableRef' ? query.from.name : '';
    // A push query's columns are all value columns, whatever they were in the source.
    const columns = handle.columns.map((col) => ({ name: col.name, type: col.type }));
    const messages: StreamedRow[] = [queryHeader(transientQueryId(scalable ? 'scalablePush' : 'push', sourceName), columns)];
    if (startInputs !== undefined) {
      const failure = await startInputs();
      if (failure !== undefined) throw new InputFailure(failure);
    }
    const rows = await collectRows(handle, query.limit, deadline);
    for (const row of rows) messages.push(queryRow(row, columns, handle.isTombstone(row)));
    if (query.limit !== undefined && rows.length >= query.limit) messages.push(finalMessage(LIMIT_REACHED));
    return { kind: 'query', messages, types: columns.map((col): SqlType => col.type) };
  } finally {
    // The handle notices a close at its next poll; don't hold the case up for it.
    void Promise.race([handle.close().catch(() => undefined), delay(1_000)]);
  }
}

/** Rows until the LIMIT, the end of the query, or PUSH_IDLE_MS without one. */
async function collectRows(handle: QueryHandle, limit: number | undefined, deadline: number): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  const idle: unique symbol = Symbol('idle');
  let pending: Promise<IteratorResult<unknown[]>> | undefined;
  while (limit === undefined || rows.length < limit) {
    checkDeadline(deadline);
    pending ??= handle.next();
    const next = await Promise.race([pending, delay(PUSH_IDLE_MS).then((): typeof idle => idle)]);
    if (next === idle) break;
    pending = undefined;
    if (next.done) break;
    rows.push(next.value);
  }
  return rows;
}

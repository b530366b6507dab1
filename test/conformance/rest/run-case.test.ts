import { afterAll, describe, expect, it } from 'vitest';
import { closeEngines } from '../run-case.js';
import { expandRestTest } from './loader.js';
import { runRestCase, type RestMode } from './run-case.js';

const CREATE = "CREATE STREAM src (id INT KEY, v STRING) WITH (kafka_topic='src', value_format='JSON', partitions=1);";
const inputs = [
  { topic: 'src', key: 1, value: { v: 'a' }, timestamp: 10 },
  { topic: 'src', key: 2, value: { v: 'b' }, timestamp: 20 },
  { topic: 'src', key: 1, value: { v: 'c' }, timestamp: 30 },
];
const restCase = (raw: Record<string, unknown>) => expandRestTest('synthetic/rest.json', { name: 'case', inputs, ...raw })[0]!;

afterAll(closeEngines);

describe.each<RestMode>(['engine', 'http'])('runRestCase (%s)', (mode) => {
  const run = (c: Parameters<typeof runRestCase>[0]) => runRestCase(c, undefined, mode);
  it('answers a pull query from the table a persistent query materialised', async () => {
    const statements = [CREATE, 'CREATE TABLE latest AS SELECT id, LATEST_BY_OFFSET(v) AS v FROM src GROUP BY id;', 'SELECT * FROM latest;'];
    const c = restCase({
      statements,
      responses: [
        { admin: { '@type': 'currentStatus' } },
        { admin: { '@type': 'currentStatus' } },
        { query: [{ header: { schema: '`ID` INTEGER KEY, `V` STRING' } }, { row: { columns: [2, 'b'] } }, { row: { columns: [1, 'c'] } }] },
      ],
    });
    expect(await run(c)).toEqual({ status: 'passed' });
    const stale = [{ header: {} }, { row: { columns: [1, 'a'] } }, { row: { columns: [2, 'b'] } }];
    const wrong = restCase({ statements, responses: [{ admin: {} }, { admin: {} }, { query: stale }] });
    expect(await run(wrong)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/row \[1,"c"\] is not among the expected rows/) });
  });

  it('streams a push query until its LIMIT, inputs produced once it runs', async () => {
    const c = restCase({
      statements: [CREATE, 'SELECT v FROM src WHERE id = 1 EMIT CHANGES LIMIT 2;'],
      properties: { 'auto.offset.reset': 'latest' },
      inputConditions: { waitForActivePushQuery: true },
      outputConditions: { verifyOrder: true },
      responses: [
        { admin: { '@type': 'currentStatus' } },
        { query: [{ header: { schema: '`V` STRING', 'queryId|starts_with': 'transient_SRC_' } }, { row: { columns: ['a'] } }, { row: { columns: ['c'] } }, { finalMessage: 'Limit Reached' }] },
      ],
    });
    expect(await run(c)).toEqual({ status: 'passed' });
  });

  it('passes an expected error only when a statement fails with it', async () => {
    const error = { type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage', message: 'cannot be resolved', status: 400 };
    const failing = restCase({ statements: [CREATE, 'SELECT nope FROM src;'], expectedError: error });
    expect(await run(failing)).toEqual({ status: 'passed' });
    const succeeding = restCase({ statements: [CREATE, 'SELECT v FROM src;'], expectedError: error });
    expect(await run(succeeding)).toEqual({ status: 'failed', reason: 'statement 2 succeeded, but the case expects it to fail' });
    const wrongStatus = restCase({ statements: [CREATE, 'SELECT nope FROM src;'], expectedError: { ...error, status: 404 } });
    expect(await run(wrongStatus)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/failed with status 400, expected 404/) });
  });
});

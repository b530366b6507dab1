import { describe, expect, it } from 'vitest';
import { DEFAULT_REST_CONFORMANCE_DIR, expandRestTest, isRestDir } from './loader.js';

describe('expandRestTest', () => {
  const raw = {
    name: 'pull',
    format: ['JSON', 'AVRO'],
    statements: ["CREATE TABLE T (K INT PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='{FORMAT}');", 'SELECT * FROM T;'],
    responses: [{ admin: { '@type': 'currentStatus' } }, { query: [{ header: { schema: '`K` INTEGER KEY, `V` INTEGER' } }] }],
    expectedError: { type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage', message: 'bad', status: 400 },
    inputConditions: { waitForActivePushQuery: true },
    outputConditions: { verifyOrder: true },
  };

  it('expands the matrix like QTT and keeps the REST parts', () => {
    const cases = expandRestTest('rest-query-validation-tests/f.json', raw);
    expect(cases.map((c) => c.id)).toEqual(['rest-query-validation-tests/f.json: pull - JSON', 'rest-query-validation-tests/f.json: pull - AVRO']);
    expect(cases.map((c) => c.skip)).toEqual([undefined, 'format AVRO']);
    expect(cases[0]).toMatchObject({
      responses: raw.responses,
      expectedError: { type: raw.expectedError.type, message: 'bad', status: 400 },
      waitForActivePushQuery: true,
      verifyOrder: true,
    });
    expect(cases[0]!.statements[0]).toContain("value_format='JSON'");
  });

  it('skips cases whose responses are PROTOBUF-encoded', () => {
    const proto = expandRestTest('d/f.json', { name: 'p', statements: [], responses: [{ queryProto: [] }] });
    expect(proto[0]!.skip).toBe('format PROTOBUF (query responses)');
    expect(expandRestTest('d/f.json', { name: 'q', statements: [] })[0]).toMatchObject({ skip: undefined, waitForActivePushQuery: false, verifyOrder: false });
  });

  it('knows an RQTT directory by its name', () => {
    expect(isRestDir(DEFAULT_REST_CONFORMANCE_DIR)).toBe(true);
    expect(isRestDir('/x/query-validation-tests')).toBe(false);
  });
});

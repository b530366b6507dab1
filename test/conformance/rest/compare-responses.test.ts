import { describe, expect, it } from 'vitest';
import { primitive } from '../../../planner/types.js';
import type { KsqlEntity, StreamedRow } from '../../../runtime/rest/entities.js';
import { JsonNumber } from '../../../runtime/serde/json-exact.js';
import { diffResponses, type ActualResponse } from './compare-responses.js';

const admin = (fields: Record<string, unknown>): ActualResponse => ({
  kind: 'admin',
  entity: { '@type': 'currentStatus', statementText: 'CREATE STREAM S', warnings: [], ...fields } as KsqlEntity,
});
const query = (messages: StreamedRow[]): ActualResponse => ({
  kind: 'query',
  messages,
  types: [primitive('STRING'), primitive('DOUBLE')],
});
const header = { header: { queryId: 'transient_S_1', schema: '`K` STRING, `V` DOUBLE' } };
const rows = [{ row: { columns: ['a', new JsonNumber('1.0')] } }, { row: { columns: ['b', new JsonNumber('2.5')] } }];

describe('diffResponses', () => {
  it('checks only the keys the case lists, with {STATEMENT} standing for the statement', () => {
    const actual = [admin({ commandStatus: { status: 'SUCCESS', message: 'Stream created' } })];
    expect(diffResponses(actual, [{ admin: { '@type': 'currentStatus', statementText: '{STATEMENT}' } }], ['CREATE STREAM S'], false)).toBeUndefined();
    expect(diffResponses(actual, [{ admin: { commandStatus: { status: 'ERROR' } } }], [], false)).toBe(
      'responses[0]->admin->commandStatus->status: "SUCCESS" != "ERROR"',
    );
    expect(diffResponses(actual, [{ admin: { commandId: 'x' } }], [], false)).toMatch(/^responses\[0\]->admin: no commandId in/);
  });

  it('matches name|starts_with against the start of a string', () => {
    const expected = [{ query: [{ header: { 'queryId|starts_with': 'transient_' } }, ...rows] }];
    expect(diffResponses([query([header, ...rows])], expected, [], false)).toBeUndefined();
    const scalable = [{ query: [{ header: { 'queryId|starts_with': 'SCALABLE_PUSH_QUERY' } }, ...rows] }];
    expect(diffResponses([query([header, ...rows])], scalable, [], false)).toMatch(/does not start with "SCALABLE_PUSH_QUERY"/);
  });

  it('compares rows as a multiset unless the order is to be verified', () => {
    const swapped = [{ query: [{ header: { schema: '`K` STRING, `V` DOUBLE' } }, { row: { columns: ['b', 2.5000000001] } }, { row: { columns: ['a', 1] } }] }];
    expect(diffResponses([query([header, ...rows])], swapped, [], false)).toBeUndefined();
    expect(diffResponses([query([header, ...rows])], swapped, [], true)).toBe('responses[0]->query[1]->row->columns: ["a",1.0] != ["b",2.5000000001]');
    const twice = [{ query: [header, rows[0], rows[0]] }];
    expect(diffResponses([query([header, ...rows])], twice, [], false)).toMatch(/row \["b",2.5\] is not among the expected rows/);
  });

  it('needs as many messages as expected, and a response for each expected one', () => {
    expect(diffResponses([query([header, ...rows])], [{ query: [header, rows[0]] }], [], false)).toMatch(/expected 2 messages, got 3/);
    expect(diffResponses([admin({})], [{ admin: {} }, { query: [] }], [], false)).toBe('expected 2 responses, got 1');
    expect(diffResponses([admin({})], [{ query: [] }], [], false)).toBe('responses[0]: expected a query response, got currentStatus');
  });
});

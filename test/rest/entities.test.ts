import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../grammar/index.js';
import type { SourceInfo } from '../../planner/catalog.js';
import { arrayType, decimalType, mapType, primitive, structType, type SqlType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { SluiceError, type StatementResult } from '../../runtime/engine/api.js';
import {
  errorEntity,
  errorStatus,
  isScalablePushQuery,
  ksqlEntities,
  ksqlEntity,
  pullQueryResponse,
  queryRow,
} from '../../runtime/rest/entities.js';
import { restValue, schemaInfo, schemaString } from '../../runtime/rest/values.js';
import { stringifyJsonExact } from '../../runtime/serde/json-exact.js';

const INT = primitive('INT');
const BIGINT = primitive('BIGINT');
const STRING = primitive('STRING');

const json = (v: unknown, t: SqlType): string => stringifyJsonExact(restValue(v, t));

describe('REST values', () => {
  it('writes numbers exactly, as ksqlDB does', () => {
    expect(json(9007199254740993n, BIGINT)).toBe('9007199254740993');
    expect(json(Decimal.parse('1.5'), decimalType(4, 2))).toBe('1.50');
    expect(json(1, primitive('DOUBLE'))).toBe('1.0');
    expect(json(Number.NaN, primitive('DOUBLE'))).toBe('"NaN"');
  });

  it('writes bytes as base64 and temporal values as ISO text', () => {
    expect(json(Buffer.from([123]), primitive('BYTES'))).toBe('"ew=="');
    expect(json(10, primitive('DATE'))).toBe('"1970-01-11"');
    expect(json(10_000, primitive('TIME'))).toBe('"00:00:10"');
    expect(json(943959600000, primitive('TIMESTAMP'))).toBe('"1999-11-30T11:00:00.000"');
  });

  it('writes maps and structs as objects', () => {
    const map = new Map<number, string | null>([
      [1, 'a'],
      [2, null],
    ]);
    expect(json(map, mapType(INT, STRING))).toBe('{"1":"a","2":null}');
    const struct = structType([
      { name: 'A', type: INT },
      { name: 'b', type: arrayType(STRING) },
    ]);
    expect(json({ A: 1 }, struct)).toBe('{"A":1,"b":null}');
    expect(json(new Map([['__proto__', 1]]), mapType(STRING, INT))).toBe('{"__proto__":1}');
  });

  it('prints schemas with ksqlDB type names, backquotes and roles', () => {
    const struct = structType([{ name: 'key', type: STRING }]);
    expect(
      schemaString([
        { name: 'ID', type: BIGINT, role: 'KEY' },
        { name: 'V', type: arrayType(struct) },
        { name: 'H', type: primitive('BYTES'), role: 'HEADER', headerKey: "a'b" },
        { name: 'n`m', type: INT },
      ]),
    ).toBe("`ID` BIGINT KEY, `V` ARRAY<STRUCT<`key` STRING>>, `H` BYTES HEADER('a''b'), `n``m` INTEGER");
  });

  it('describes types as SchemaInfo', () => {
    expect(schemaInfo(arrayType(decimalType(4, 2)))).toEqual({
      type: 'ARRAY',
      fields: null,
      memberSchema: { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: 4, scale: 2 } },
    });
  });
});

describe('ksqlEntity', () => {
  const status = (statementText: string): StatementResult => ({ type: 'currentStatus', statementText, status: 'SUCCESS', message: 'done' });

  it('names the command of a DDL statement', () => {
    const entity = ksqlEntity(status("CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='JSON')"));
    expect(entity).toMatchObject({
      '@type': 'currentStatus',
      commandId: 'stream/`S`/create',
      commandStatus: { status: 'SUCCESS', message: 'done', queryId: null },
      commandSequenceNumber: -1,
    });
  });

  it('gives no entity where ksqlDB gives none', () => {
    const results = [status('INSERT INTO s (id) VALUES (1)'), status("SET 'a'='b'"), status('DROP STREAM s')];
    expect(ksqlEntities(results).map((e) => e['commandId'])).toEqual(['stream/`S`/drop']);
  });

  it('warns about UNDEFINE of an unknown variable', () => {
    const unknown: StatementResult = { type: 'currentStatus', statementText: 'UNDEFINE x', status: 'SUCCESS', message: "Variable 'x' is not defined" };
    expect(ksqlEntity(unknown)).toMatchObject({ '@type': 'warning_entity', message: "Variable 'x' is not defined" });
    expect(ksqlEntity({ ...unknown, message: 'Undefined variable x' })).toBeUndefined();
  });

  it('lists sources and custom types', () => {
    const source = { name: 'S', type: 'STREAM', topic: 't', keyFormat: 'KAFKA', valueFormat: 'JSON', windowType: 'TUMBLING' } as unknown as SourceInfo;
    expect(ksqlEntity({ type: 'streams', statementText: 'SHOW STREAMS', sources: [source] })).toMatchObject({
      '@type': 'streams',
      streams: [{ type: 'STREAM', name: 'S', topic: 't', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: true }],
    });
    const types = ksqlEntity({ type: 'type_list', statementText: 'SHOW TYPES', types: { T: 'STRUCT<A INTEGER>' } });
    expect(types?.['types']).toEqual({
      T: { type: 'STRUCT', fields: [{ name: 'A', schema: { type: 'INTEGER', fields: null, memberSchema: null } }], memberSchema: null },
    });
  });
});

describe('errors', () => {
  it('makes a SluiceError a statement error (400) and anything else a server error (500)', () => {
    const syntax = errorEntity(new SluiceError('Syntax Error', 1, 24, 'SELECT x', []));
    expect(syntax).toMatchObject({ '@type': 'statement_error', error_code: 40001, message: 'line 1:24: Syntax Error', statementText: 'SELECT x' });
    expect(errorStatus(syntax)).toBe(400);
    const semantic = errorEntity(new SluiceError('no such column', 1, 3), 'SELECT y');
    expect(semantic).toMatchObject({ message: 'no such column', statementText: 'SELECT y' });
    const crash = errorEntity(new Error('boom'));
    expect(crash).toEqual({ '@type': 'generic_error', error_code: 50000, message: 'boom' });
    expect(errorStatus(crash)).toBe(500);
  });
});

describe('query responses', () => {
  const table = {
    type: 'TABLE',
    windowType: 'HOPPING',
    columns: [
      { name: 'ID', type: STRING, role: 'KEY' },
      { name: 'H', type: primitive('BYTES'), role: 'HEADER', headerKey: 'k' },
      { name: 'COUNT', type: BIGINT, role: 'VALUE' },
    ],
  } as unknown as SourceInfo;
  const rows = (columns: { name: string; type: SqlType }[], values: unknown[][]): Extract<StatementResult, { type: 'rows' }> => ({
    type: 'rows',
    statementText: 'SELECT',
    columns,
    rows: values,
  });

  it('marks a table pull query`s key, window and header columns, and ends without a final message', () => {
    const result = rows(
      [
        { name: 'COUNT', type: BIGINT },
        { name: 'ID', type: STRING },
        { name: 'WINDOWSTART', type: BIGINT },
        { name: 'H', type: primitive('BYTES') },
      ],
      [[2n, 'a', 1000n, null]],
    );
    expect(pullQueryResponse(result, 'q1', table, undefined)).toEqual([
      { header: { queryId: 'q1', schema: "`COUNT` BIGINT, `ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `H` BYTES HEADER('k')" } },
      { row: { columns: [2n, 'a', 1000n, null] } },
    ]);
  });

  it('ends a stream pull query with why it stopped', () => {
    const stream = { type: 'STREAM', columns: [{ name: 'ID', type: INT, role: 'KEY' }] } as unknown as SourceInfo;
    const result = rows([{ name: 'ID', type: INT }], [[1], [2]]);
    const messages = pullQueryResponse(result, 'q', stream, 2);
    expect(messages[0]).toEqual({ header: { queryId: 'q', schema: '`ID` INTEGER' } });
    expect(messages.at(-1)).toEqual({ finalMessage: 'Limit Reached' });
    expect(pullQueryResponse(result, 'q', stream, 3).at(-1)).toEqual({ finalMessage: 'Query Completed' });
  });

  it('flags tombstones', () => {
    expect(queryRow([1, null], [{ type: INT }, { type: STRING }], true)).toEqual({ row: { columns: [1, null], tombstone: true } });
  });

  it('recognises the push queries ksqlDB serves as scalable', () => {
    const query = (sql: string) => {
      const stmt = parseStatement(sql);
      if (stmt.kind !== 'QueryStatement') throw new Error('not a query');
      return stmt.query;
    };
    const v2 = { 'ksql.query.push.v2.enabled': 'true', 'auto.offset.reset': 'latest' };
    const sinks = new Set(['OUT']);
    expect(isScalablePushQuery(query('SELECT * FROM out WHERE x > 1 EMIT CHANGES'), v2, sinks)).toBe(true);
    expect(isScalablePushQuery(query('SELECT * FROM src EMIT CHANGES'), v2, sinks)).toBe(false);
    expect(isScalablePushQuery(query('SELECT * FROM out EMIT CHANGES'), { ...v2, 'auto.offset.reset': 'earliest' }, sinks)).toBe(false);
    expect(isScalablePushQuery(query('SELECT k, COUNT(*) FROM out GROUP BY k EMIT CHANGES'), v2, sinks)).toBe(false);
  });
});

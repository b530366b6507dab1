import { describe, it, expect } from 'vitest';
import { parseType, SqlSyntaxError } from '../../grammar/index.js';
import { stripSpans } from './helpers.js';

const t = (sql: string) => stripSpans(parseType(sql));
const prim = (name: string) => ({ kind: 'PrimitiveType', name });

describe('types', () => {
  it.each([
    ['BOOLEAN', 'BOOLEAN'],
    ['int', 'INT'],
    ['INTEGER', 'INT'],
    ['BIGINT', 'BIGINT'],
    ['DOUBLE', 'DOUBLE'],
    ['STRING', 'STRING'],
    ['VARCHAR', 'STRING'],
    ['VARCHAR(STRING)', 'STRING'],
    ['BYTES', 'BYTES'],
    ['DATE', 'DATE'],
    ['TIME', 'TIME'],
    ['TIMESTAMP', 'TIMESTAMP'],
  ])('maps %s to %s', (sql, name) => {
    expect(t(sql)).toEqual(prim(name));
  });

  it('parses parameterised and nested types', () => {
    expect(t('DECIMAL(10, 2)')).toEqual({ kind: 'DecimalType', precision: 10, scale: 2 });
    expect(t('ARRAY<MAP<STRING, ARRAY<INT>>>')).toEqual({
      kind: 'ArrayType',
      element: { kind: 'MapType', key: prim('STRING'), value: { kind: 'ArrayType', element: prim('INT') } },
    });
    expect(t('STRUCT<a INT, `Mixed` STRING, "q" BOOLEAN, type STRING, from BIGINT, s STRUCT<>>')).toEqual({
      kind: 'StructType',
      fields: [
        { name: 'A', type: prim('INT') },
        { name: 'Mixed', type: prim('STRING') },
        { name: 'q', type: prim('BOOLEAN') },
        { name: 'TYPE', type: prim('STRING') },
        { name: 'FROM', type: prim('BIGINT') },
        { name: 'S', type: { kind: 'StructType', fields: [] } },
      ],
    });
  });

  it('reads any other name as a custom type', () => {
    expect(t('address')).toEqual({ kind: 'CustomType', name: 'ADDRESS' });
    expect(t('`Address`')).toEqual({ kind: 'CustomType', name: 'Address' });
    expect(t('ARRAY<address>')).toEqual({ kind: 'ArrayType', element: { kind: 'CustomType', name: 'ADDRESS' } });
  });

  it('rejects type parameters where ksqlDB does', () => {
    expect(() => parseType('INT(5)')).toThrow(SqlSyntaxError);
    expect(() => parseType('STRING(KEY)')).toThrow('line 1:8: unexpected type parameters');
    expect(() => parseType('DECIMAL(1.5, 2)')).toThrow(SqlSyntaxError);
  });
});

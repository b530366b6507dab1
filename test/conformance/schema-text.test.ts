import { describe, expect, it } from 'vitest';
import { BIGINT, INT, STRING, arrayType, decimalType, structType } from '../../planner/types.js';
import { canonicalSchema, schemaOfColumns } from './schema-text.js';

describe('canonicalSchema', () => {
  it('treats unquoted names as upper case, type aliases and PRIMARY KEY as ksqlDB does', () => {
    expect(canonicalSchema('rp INT KEY, bc BIGINT')).toBe(canonicalSchema('`RP` INTEGER KEY, `BC` BIGINT'));
    expect(canonicalSchema('K INT PRIMARY KEY, V VARCHAR')).toBe(canonicalSchema('K INTEGER KEY, V STRING'));
    expect(canonicalSchema('`moreMixedCase` INT')).not.toBe(canonicalSchema('moreMixedCase INT'));
  });

  it('keeps commas inside types and canonicalises struct field names', () => {
    expect(canonicalSchema('ID STRUCT<f1 VARCHAR, `g` DECIMAL(4,2)> KEY, M MAP<STRING, INT>')).toBe(
      '`ID` STRUCT<`F1` STRING, `g` DECIMAL(4, 2)> KEY, `M` MAP<STRING, INTEGER>',
    );
  });

  it('keeps header columns apart from value columns', () => {
    expect(canonicalSchema("H ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS, X BYTES HEADER('abc')")).toBe(
      "`H` ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, `X` BYTES HEADER('abc')",
    );
  });
});

describe('schemaOfColumns', () => {
  it('spells catalog columns so they canonicalise like the expected text', () => {
    const columns = [
      { name: 'K', type: STRING, role: 'KEY' as const },
      { name: 'id', type: INT, role: 'VALUE' as const },
      { name: 'S', type: structType([{ name: 'A', type: arrayType(BIGINT) }, { name: 'b', type: decimalType(4, 2) }]), role: 'VALUE' as const },
    ];
    expect(canonicalSchema(schemaOfColumns(columns))).toBe(
      canonicalSchema('K STRING KEY, `id` INT, S STRUCT<A ARRAY<BIGINT>, `b` DECIMAL(4, 2)>'),
    );
  });
});

describe('canonicalSchema names', () => {
  it('reads names that start with a digit as one identifier', () => {
    expect(canonicalSchema('1R DECIMAL(33,16)')).toBe('`1R` DECIMAL(33, 16)');
  });
});

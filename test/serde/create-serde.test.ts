import { describe, expect, it } from 'vitest';
import {
  arrayType,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  decimalType,
  DOUBLE,
  INT,
  mapType,
  STRING,
  structType,
  TIME,
  TIMESTAMP,
  type SqlType,
} from '../../planner/types.js';
import { createSerde } from '../../runtime/serde/index.js';
import { UnsupportedFormatError, type FormatName, type SerdeRole } from '../../runtime/serde/serde.js';

const one = (type: SqlType, name = 'V') => [{ name, type }];

function rejects(format: FormatName, columns: { name: string; type: SqlType }[], role: SerdeRole, message: string): void {
  expect(() => createSerde(format, columns, {}, role)).toThrow(UnsupportedFormatError);
  expect(() => createSerde(format, columns, {}, role)).toThrow(message);
}

describe('createSerde', () => {
  it.each<FormatName>(['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'])('rejects %s as not supported yet', (f) => {
    rejects(f, one(INT), 'value', `format ${f} is not supported yet`);
  });

  it('KAFKA carries one INT, BIGINT, DOUBLE, STRING or BYTES column', () => {
    for (const t of [INT, BIGINT, DOUBLE, STRING, BYTES]) expect(() => createSerde('KAFKA', one(t), {}, 'value')).not.toThrow();
    for (const [t, name] of [
      [BOOLEAN, 'BOOLEAN'],
      [decimalType(4, 2), 'DECIMAL'],
      [DATE, 'DATE'],
      [TIME, 'TIME'],
      [TIMESTAMP, 'TIMESTAMP'],
      [arrayType(INT), 'ARRAY'],
      [structType([{ name: 'F', type: INT }]), 'STRUCT'],
    ] as const) {
      rejects('KAFKA', one(t), 'value', `The 'KAFKA' format does not support type '${name}'`);
    }
    rejects('KAFKA', one(mapType(STRING, INT)), 'value', "The 'KAFKA' format does not support type 'MAP'");
  });

  it('KAFKA carries a single column only', () => {
    rejects(
      'KAFKA',
      [
        { name: 'V0', type: INT },
        { name: 'V1', type: STRING },
      ],
      'value',
      "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    );
  });

  it('DELIMITED carries no ARRAY, MAP or STRUCT', () => {
    rejects('DELIMITED', one(arrayType(DOUBLE), 'K'), 'key', "The 'DELIMITED' format does not support type 'ARRAY', column: `K`");
    rejects('DELIMITED', one(mapType(STRING, INT)), 'value', "The 'DELIMITED' format does not support type 'MAP'");
    rejects('DELIMITED', one(structType([{ name: 'F', type: DOUBLE }])), 'value', "does not support type 'STRUCT'");
  });

  it('NONE carries no columns at all', () => {
    rejects('NONE', one(STRING, 'K'), 'key', "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]");
    const none = createSerde('NONE', [], {}, 'key');
    expect(none.serialize([])).toBeNull();
    expect(none.deserialize(Buffer.from('data that should be ignored'))).toEqual([]);
    expect(none.deserialize(null)).toBeNull();
  });

  it('JSON maps need STRING keys', () => {
    rejects('JSON', one(mapType(INT, DOUBLE)), 'value', 'JSON only supports MAP types with STRING keys');
    rejects('JSON', one(arrayType(structType([{ name: 'M', type: mapType(BIGINT, INT) }]))), 'value', 'STRING keys');
  });

  it('keys may not contain maps, whatever the format', () => {
    for (const f of ['JSON', 'KAFKA', 'DELIMITED'] as const) {
      rejects(
        f,
        one(arrayType(mapType(INT, DOUBLE)), 'K'),
        'key',
        'Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to ' +
          'inconsistent serialization. Key column name: `K`. Column type: ARRAY<MAP<INTEGER, DOUBLE>>.',
      );
    }
  });

  it('gives a keyless source a key serde that writes nothing, in any format', () => {
    for (const f of ['JSON', 'KAFKA', 'DELIMITED', 'NONE'] as const) {
      const s = createSerde(f, [], {}, 'key');
      expect(s.serialize([])).toBeNull();
      expect(s.deserialize(Buffer.from('ignored'))).toEqual([]);
    }
  });

  it('writes an empty JSON object for a value with no columns', () => {
    const s = createSerde('JSON', [], {}, 'value');
    expect(s.serialize([])?.toString()).toBe('{}');
    expect(s.deserialize(Buffer.from('{"x":1}'))).toEqual([]);
  });
});

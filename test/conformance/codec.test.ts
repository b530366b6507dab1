import { describe, expect, it } from 'vitest';
import { BIGINT, DOUBLE, INT, STRING, decimalType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import type { ColumnInfo, SourceInfo } from '../../runtime/engine/api.js';
import type { LogRecord, ProducerRecord } from '../../runtime/log/log.js';
import { JsonNumber } from '../../runtime/serde/json-exact.js';
import { coerce, decodeOutput, encodeInput } from './codec.js';
import type { QttRecord } from './loader.js';

function source(columns: ColumnInfo[], extra: Partial<SourceInfo> = {}): SourceInfo {
  return {
    name: 'S',
    type: 'STREAM',
    topic: 't',
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    keyFormatOptions: {},
    valueFormatOptions: {},
    columns,
    windowType: undefined,
    windowSize: undefined,
    timestampColumn: undefined,
    timestampFormat: undefined,
    isSource: false,
    sql: '',
    ...extra,
  };
}
const key = (name: string, type: ColumnInfo['type']): ColumnInfo => ({ name, type, role: 'KEY' });
const val = (name: string, type: ColumnInfo['type']): ColumnInfo => ({ name, type, role: 'VALUE' });

function input(r: Partial<QttRecord>): QttRecord {
  return { topic: 't', key: null, value: null, timestamp: undefined, window: undefined, headers: undefined, ...r };
}
function logRecord(p: ProducerRecord): LogRecord {
  return { topic: 't', partition: 0, offset: 0, timestamp: p.timestamp, key: p.key, value: p.value, headers: p.headers ?? [] };
}

describe('encodeInput', () => {
  it('writes JSON values exactly as the file gives them, odd casing and extra fields included', () => {
    const s = source([key('K', INT), val('ID', BIGINT)]);
    const r = encodeInput(input({ key: 1, value: { id: 12345678901234567890n, Extra: new JsonNumber('1.10') } }), s, undefined);
    expect(r.value?.toString()).toBe('{"id":12345678901234567890,"Extra":1.10}');
    expect(r.key).toEqual(Buffer.from([0, 0, 0, 1]));
    expect(r.timestamp).toBe(0);
  });

  it('writes DELIMITED text as is and KAFKA values through the column type', () => {
    const delimited = source([key('K', STRING), val('A', INT), val('B', STRING)], { keyFormat: 'DELIMITED', valueFormat: 'DELIMITED' });
    const r = encodeInput(input({ key: '"k"', value: '1,"x"', timestamp: 42 }), delimited, undefined);
    expect(r.key?.toString()).toBe('"k"');
    expect(r.value?.toString()).toBe('1,"x"');
    expect(r.timestamp).toBe(42);
    const kafka = source([key('K', BIGINT), val('V', DOUBLE)], { valueFormat: 'KAFKA' });
    const k = encodeInput(input({ key: 3, value: 2 }), kafka, undefined);
    expect(k.key).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 3]));
    expect(k.value?.readDoubleBE(0)).toBe(2);
  });

  it('writes tombstones, headers and windowed keys', () => {
    const s = source([key('K', STRING), val('V', INT)], { windowType: 'TUMBLING', windowSize: 1000 });
    const r = encodeInput(
      input({ key: 'a', value: null, window: { start: 2000, end: 3000, type: 'time' }, headers: [{ KEY: 'h', VALUE: 'IQ==' }, { KEY: 'n', VALUE: null }] }),
      s,
      undefined,
    );
    expect(r.value).toBeNull();
    expect(r.headers).toEqual([{ key: 'h', value: Buffer.from('!') }, { key: 'n', value: null }]);
    const decoded = decodeOutput(logRecord(r), s);
    expect(decoded.key).toBe('a');
    expect(decoded.window).toEqual({ start: 2000, end: 3000, type: 'time' });
  });

  it('sends the given key of a keyless stream as it is, for the engine to ignore', () => {
    const s = source([val('V', INT)], { keyFormat: 'NONE' });
    expect(encodeInput(input({ key: 'ignored', value: { V: 1 } }), s, undefined).key?.toString()).toBe('ignored');
  });
});

describe('decodeOutput', () => {
  it('parses JSON exactly, keeps DELIMITED text and reads KAFKA as typed values', () => {
    const s = source([key('K', BIGINT), val('D', decimalType(4, 2))]);
    const out = decodeOutput(
      logRecord({ timestamp: 7, key: Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]), value: Buffer.from('{"D":1.10}') }),
      s,
    );
    expect(out.key).toBe(9n);
    expect((out.value as { D: JsonNumber }).D.text).toBe('1.10');
    expect(out.timestamp).toBe(7);
    const d = source([key('K', STRING), val('A', INT)], { keyFormat: 'DELIMITED', valueFormat: 'DELIMITED' });
    expect(decodeOutput(logRecord({ timestamp: 0, key: Buffer.from('k'), value: Buffer.from('1') }), d).value).toBe('1');
  });
});

describe('coerce', () => {
  it('turns parsed JSON into the runtime representation of the column type', () => {
    expect(coerce(5, BIGINT)).toBe(5n);
    expect(coerce(new JsonNumber('1.50'), decimalType(3, 2))).toEqual(Decimal.parse('1.50'));
    expect(coerce(1, STRING)).toBe('1');
    expect(coerce(null, INT)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFORMANCE_DIR,
  MISSING_CONFORMANCE_MESSAGE,
  conformanceAvailable,
  expandTest,
  listCaseFiles,
  loadCaseFile,
  unsupportedFormatReason,
  type QttCase,
} from './loader.js';
import { topicsToCreate } from './topics.js';

describe('expandTest', () => {
  const raw = {
    name: 'copy',
    format: ['JSON', 'AVRO'],
    config: ['true', 'false'],
    properties: { 'some.flag': '{CONFIG}', 'other': 3 },
    statements: ["CREATE STREAM A (K INT KEY, V INT) WITH (kafka_topic='a', value_format='{FORMAT}');"],
    inputs: [{ topic: 'a', value: { V: 1 } }],
    outputs: [{ topic: 'B', key: 1, value: { V: 1 }, timestamp: 7, window: { start: 0, end: 10, type: 'SESSION' } }],
  };

  it('runs a case once per format × config, named like ksqlDB', () => {
    const cases = expandTest('f.json', raw);
    expect(cases.map((c) => c.name)).toEqual([
      'copy - JSON - true',
      'copy - JSON - false',
      'copy - AVRO - true',
      'copy - AVRO - false',
    ]);
    expect(cases[0]!.id).toBe('f.json: copy - JSON - true');
  });

  it('substitutes {FORMAT} in statements and {CONFIG} in property values', () => {
    const [c] = expandTest('f.json', raw);
    expect(c!.statements[0]).toContain("value_format='JSON'");
    expect(c!.properties).toEqual({ 'some.flag': 'true', other: '3' });
  });

  it('skips formats that need a schema registry, and disabled cases', () => {
    const cases = expandTest('f.json', raw);
    expect(cases.map((c) => c.skip)).toEqual([undefined, undefined, 'format AVRO', 'format AVRO']);
    expect(expandTest('f.json', { ...raw, format: undefined, enabled: false })[0]!.skip).toBe('disabled');
  });

  it('reads records with a null key when none is given, and normalises windows', () => {
    const [c] = expandTest('f.json', raw);
    expect(c!.inputs[0]).toMatchObject({ topic: 'a', key: null, timestamp: undefined });
    expect(c!.outputs[0]).toMatchObject({ key: 1, timestamp: 7, window: { start: 0, end: 10, type: 'session' } });
  });
});

describe('unsupportedFormatReason', () => {
  it('finds formats in WITH clauses, default-format properties and topic entries', () => {
    expect(unsupportedFormatReason(["CREATE STREAM X WITH (KEY_FORMAT = 'protobuf', value_format='JSON');"], {}, [])).toBe(
      'format PROTOBUF',
    );
    expect(unsupportedFormatReason(['CREATE STREAM X (A INT) WITH (kafka_topic=\'x\');'], { 'ksql.persistence.default.format.value': 'AVRO' }, [])).toBe(
      'format AVRO',
    );
    expect(
      unsupportedFormatReason([], {}, [{ name: 't', partitions: undefined, keyFormat: undefined, valueFormat: 'JSON_SR' }]),
    ).toBe('format JSON_SR');
    expect(unsupportedFormatReason(["CREATE STREAM X WITH (format='DELIMITED');"], {}, [])).toBeUndefined();
  });
});

describe('topicsToCreate', () => {
  it('creates case topics, topics of plain CREATE statements and input topics, not CSAS sinks', () => {
    const [c] = expandTest('f.json', {
      name: 't',
      topics: [{ name: 'declared', partitions: 3 }],
      statements: [
        "CREATE STREAM A (V INT) WITH (kafka_topic='a', value_format='JSON', partitions=2);",
        "CREATE TABLE B (K INT PRIMARY KEY, V INT) WITH (kafka_topic='it''s', value_format='JSON');",
        "CREATE STREAM C WITH (kafka_topic='c') AS SELECT * FROM A;",
      ],
      inputs: [{ topic: 'raw', value: 1 }],
      outputs: [{ topic: 'c', value: 1 }],
    });
    expect([...topicsToCreate(c!)]).toEqual([
      ['declared', 3],
      ['a', 2],
      ["it's", 1],
      ['raw', 1],
    ]);
  });
});

const available = conformanceAvailable();
if (!available) console.log(MISSING_CONFORMANCE_MESSAGE);

describe.skipIf(!available)('the ksqlDB case files', () => {
  const files = listCaseFiles([DEFAULT_CONFORMANCE_DIR]).map(loadCaseFile);
  const cases: QttCase[] = files.flatMap((f) => f.cases);

  it('all load', () => {
    expect(files.filter((f) => f.error !== undefined).map((f) => `${f.file}: ${f.error}`)).toEqual([]);
    expect(cases.length).toBeGreaterThan(1600);
  });

  it('have unique ids', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('skip every schema-registry case and nothing in the plain-format files', () => {
    const byFile = (name: string): QttCase[] => cases.filter((c) => c.file === name);
    // The one avro.json case that runs checks that an Avro-only property is rejected on JSON.
    expect(byFile('avro.json').filter((c) => c.skip === undefined).map((c) => c.name)).toEqual([
      'full schema name used with non-Avro format',
    ]);
    expect(byFile('project-filter.json').filter((c) => c.skip !== undefined)).toEqual([]);
    const reasons = new Set(cases.flatMap((c) => (c.skip === undefined ? [] : [c.skip])));
    expect([...reasons].sort()).toEqual(['disabled', 'format AVRO', 'format JSON_SR', 'format PROTOBUF', 'format PROTOBUF_NOSR']);
    expect(cases.filter((c) => c.skip === undefined).length).toBeGreaterThan(1000);
  });

  it('keep integers beyond 2^53 exact', () => {
    const c = cases.find((x) => x.id === 'json.json: BIGINT - key');
    expect(c?.inputs[0]?.key).toBe(998877665544332200n);
  });
});

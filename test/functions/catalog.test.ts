import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/functions/registry.js';

const QTT = new URL('../../../shared/conformance/ksqldb/query-validation-tests/', import.meta.url);

describe('the built-in catalogue', () => {
  const all = defaultRegistry().list();

  it('describes and categorises every function under its upper-case name', () => {
    for (const fn of all) {
      expect(fn.name, fn.name).toBe(fn.name.toUpperCase());
      expect(fn.description.length, fn.name).toBeGreaterThan(10);
      expect(fn.category, fn.name).toMatch(/^[A-Z /]+$/);
      expect(fn.overloads.length, fn.name).toBeGreaterThan(0);
    }
  });

  it('contains the ksqlDB function families', () => {
    const names = new Set(all.map((f) => f.name));
    const expected = [
      'CONCAT', 'CONCAT_WS', 'UCASE', 'LCASE', 'TRIM', 'LEN', 'SUBSTRING', 'REPLACE', 'REGEXP_REPLACE', 'REGEXP_EXTRACT',
      'REGEXP_EXTRACT_ALL', 'REGEXP_SPLIT_TO_ARRAY', 'SPLIT', 'SPLIT_TO_MAP', 'INSTR', 'INITCAP', 'LPAD', 'RPAD', 'MASK',
      'MASK_KEEP_LEFT', 'MASK_KEEP_RIGHT', 'MASK_LEFT', 'MASK_RIGHT', 'CHR', 'ELT', 'FIELD', 'ENCODE', 'MD5', 'UUID',
      'TO_BYTES', 'FROM_BYTES', 'ABS', 'CEIL', 'FLOOR', 'ROUND', 'SIGN', 'SQRT', 'EXP', 'LN', 'LOG', 'POWER', 'RANDOM',
      'TRUNC', 'GREATEST', 'LEAST', 'SIN', 'COS', 'TAN', 'COALESCE', 'IFNULL', 'NULLIF', 'UNIX_DATE', 'UNIX_TIMESTAMP',
      'FROM_UNIXTIME', 'FROM_DAYS', 'DATETOSTRING', 'STRINGTODATE', 'TIMESTAMPTOSTRING', 'STRINGTOTIMESTAMP',
      'FORMAT_DATE', 'FORMAT_TIME', 'FORMAT_TIMESTAMP', 'PARSE_DATE', 'PARSE_TIME', 'PARSE_TIMESTAMP', 'CONVERT_TZ',
      'DATEADD', 'DATESUB', 'TIMEADD', 'TIMESUB', 'TIMESTAMPADD', 'TIMESTAMPSUB', 'EXTRACTJSONFIELD', 'IS_JSON_STRING',
      'JSON_ARRAY_CONTAINS', 'JSON_ARRAY_LENGTH', 'JSON_CONCAT', 'JSON_KEYS', 'JSON_ITEMS', 'JSON_RECORDS',
      'TO_JSON_STRING', 'ARRAY_CONTAINS', 'ARRAY_DISTINCT', 'ARRAY_EXCEPT', 'ARRAY_INTERSECT', 'ARRAY_UNION',
      'ARRAY_JOIN', 'ARRAY_LENGTH', 'ARRAY_MAX', 'ARRAY_MIN', 'ARRAY_REMOVE', 'ARRAY_SORT', 'ARRAY_CONCAT', 'SLICE',
      'GENERATE_SERIES', 'ENTRIES', 'MAP_KEYS', 'MAP_VALUES', 'MAP_UNION', 'AS_MAP', 'TRANSFORM', 'FILTER', 'REDUCE',
      'URL_ENCODE_PARAM', 'URL_DECODE_PARAM', 'URL_EXTRACT_HOST', 'AS_VALUE', 'GEO_DISTANCE', 'EXPLODE',
      'CUBE_EXPLODE', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'COLLECT_LIST', 'COLLECT_SET', 'COUNT_DISTINCT',
      'EARLIEST_BY_OFFSET', 'LATEST_BY_OFFSET', 'TOPK', 'TOPKDISTINCT', 'HISTOGRAM', 'STDDEV_SAMP', 'CORRELATION',
      'ATTR',
    ];
    expect(expected.filter((n) => !names.has(n))).toEqual([]);
  });
});

describe('coverage of ksqlDB function tests', () => {
  if (!existsSync(QTT)) {
    it.skip('needs ../shared/conformance (absent)', () => {});
    return;
  }

  // Words followed by '(' in those statements that are syntax or ksqlDB's test-only UDFs.
  const NOT_FUNCTIONS = new Set(
    [
      'CAST', 'STRUCT', 'ARRAY', 'MAP', 'DECIMAL', 'VARCHAR', 'WITH', 'VALUES', 'IN', 'AS', 'AND', 'OR', 'NOT', 'SIZE',
      'SESSION', 'TUMBLING', 'HOPPING', 'WITHIN', 'BY', 'ON', 'FROM', 'SELECT', 'WHERE',
      'TEST_UDF', 'TOSTRUCT', 'TEST_UDTF', 'THROWING_UDTF', 'THEN', 'ELSE', 'WHEN', 'CASE', 'END', 'IF', 'BETWEEN',
      'GROUP', 'TABLE', 'STREAM', 'INTO', 'PARTITION', 'EXISTS', 'ADVANCE', 'GRACE', 'PERIOD', 'RETENTION', 'EMIT',
      'INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN', 'DATE', 'TIME', 'TIMESTAMP', 'BYTES', 'INT', 'KEY',
    ],
  );
  const FILES = [
    'string', 'substring', 'concat', 'math', 'greatest', 'least', 'len', 'instr', 'replace', 'split', 'initcap', 'chr',
    'elt-field', 'encode', 'md5', 'url', 'regex', 'string-lpad-rpad', 'bytes-lpad-rpad', 'bytes-and-strings', 'date',
    'dateadd', 'datesub', 'datestring', 'stringdate', 'stringtimestamp', 'timestampadd', 'timestampsub',
    'timestamp-to-string', 'format-date', 'format-time', 'parse-date', 'parse-time', 'timeadd', 'timesub', 'unix-date',
    'unix-timestamp', 'from-days', 'from-unixtime', 'convert-tz', 'extract-json-field', 'is_json_string',
    'json_array_contains', 'json_array_length', 'json_concat', 'json_items', 'json_keys', 'json_records',
    'to_json_string', 'array-min-max-sort', 'array-remove', 'array-set-functions', 'array', 'arraycontains',
    'arrayjoin', 'slice', 'transform-array', 'transform-map', 'reduce-array', 'reduce-map', 'complex-lambda',
    'split-to-map', 'geodistance', 'as_value', 'null', 'cube', 'explode', 'collect-list', 'collect-set', 'sum',
    'count', 'histogram', 'topk-group-by', 'topk-distinct', 'count-distinct', 'earliest-offset-udaf',
    'latest-offset-udaf', 'standarddeviation', 'correlation-udaf', 'attr', 'average',
  ];

  it('registers every function those tests call', () => {
    const missing = new Set<string>();
    for (const file of FILES) {
      const path = new URL(`${file}.json`, QTT);
      const tests = (JSON.parse(readFileSync(path, 'utf8')) as { tests: { statements: string[] }[] }).tests;
      for (const t of tests) {
        for (const stmt of t.statements) {
          const code = stmt
            .replace(/'(?:[^']|'')*'/g, "''")
            .replace(/CREATE\s+(?:OR\s+REPLACE\s+)?(?:STREAM|TABLE)\s+[A-Za-z0-9_`]+\s*\(/gi, '');
          for (const m of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
            const name = m[1]!.toUpperCase();
            if (!NOT_FUNCTIONS.has(name) && !defaultRegistry().lookup(name)) missing.add(`${name} (${file})`);
          }
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});

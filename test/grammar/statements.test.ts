import { describe, it, expect } from 'vitest';
import { parseStatement, parseStatements } from '../../grammar/index.js';
import { stripSpans } from './helpers.js';

const parse = (sql: string) => stripSpans(parseStatement(sql));
const col = (name: string, source?: string) => ({ kind: 'ColumnRef', source, name });
const int = (text: string) => ({ kind: 'IntegerLiteral', text });
const str = (value: string) => ({ kind: 'StringLiteral', value });
const prim = (name: string) => ({ kind: 'PrimitiveType', name });
const table = (name: string, alias?: string) => ({ kind: 'TableRef', name, alias });
const dur = (value: number, unit: string) => ({ value, unit });
const star = { kind: 'AllColumns' };
const query = (parts: Record<string, unknown>) => ({ kind: 'Query', select: [star], ...parts });

describe('CREATE STREAM / TABLE', () => {
  it('parses columns, constraints and properties', () => {
    expect(
      parse(`CREATE STREAM pageviews (viewtime BIGINT, \`userId\` VARCHAR KEY, tags ARRAY<STRING>)
             WITH (kafka_topic='pageviews', value_format='JSON', partitions=4, "Quoted"=-1.5, wrap=false, x=null)`),
    ).toEqual({
      kind: 'CreateSource',
      sourceType: 'STREAM',
      orReplace: false,
      isSource: false,
      ifNotExists: false,
      name: 'PAGEVIEWS',
      elements: [
        { name: 'VIEWTIME', type: prim('BIGINT'), constraint: { kind: 'None' } },
        { name: 'userId', type: prim('STRING'), constraint: { kind: 'Key' } },
        { name: 'TAGS', type: { kind: 'ArrayType', element: prim('STRING') }, constraint: { kind: 'None' } },
      ],
      properties: [
        { name: 'KAFKA_TOPIC', value: 'pageviews' },
        { name: 'VALUE_FORMAT', value: 'JSON' },
        { name: 'PARTITIONS', value: 4 },
        { name: 'QUOTED', value: -1.5 },
        { name: 'WRAP', value: false },
        { name: 'X', value: null },
      ],
    });
  });

  it('parses OR REPLACE SOURCE TABLE IF NOT EXISTS with key and header columns', () => {
    expect(
      parse(`create or replace source table if not exists t (
               id STRING PRIMARY KEY, h BYTES HEADER('trace'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS)
             with ('kafka_topic'='t')`),
    ).toEqual({
      kind: 'CreateSource',
      sourceType: 'TABLE',
      orReplace: true,
      isSource: true,
      ifNotExists: true,
      name: 'T',
      elements: [
        { name: 'ID', type: prim('STRING'), constraint: { kind: 'PrimaryKey' } },
        { name: 'H', type: prim('BYTES'), constraint: { kind: 'Header', key: 'trace' } },
        {
          name: 'HS',
          type: {
            kind: 'ArrayType',
            element: { kind: 'StructType', fields: [{ name: 'KEY', type: prim('STRING') }, { name: 'VALUE', type: prim('BYTES') }] },
          },
          constraint: { kind: 'Headers' },
        },
      ],
      properties: [{ name: 'KAFKA_TOPIC', value: 't' }],
    });
  });

  it('allows the column list to be left out (the schema comes from a registry)', () => {
    expect(parse("CREATE TABLE t WITH (kafka_topic='t', format='AVRO')")).toMatchObject({
      kind: 'CreateSource',
      elements: [],
      properties: [
        { name: 'KAFKA_TOPIC', value: 't' },
        { name: 'FORMAT', value: 'AVRO' },
      ],
    });
  });

  it('accepts keywords as column names', () => {
    const s = parse('CREATE STREAM s (key INT KEY, value STRING, timestamp BIGINT, date DATE, size INT, type STRING, window INT, `FROM` INT)');
    expect((s as { elements: { name: string }[] }).elements.map((e) => e.name)).toEqual([
      'KEY',
      'VALUE',
      'TIMESTAMP',
      'DATE',
      'SIZE',
      'TYPE',
      'WINDOW',
      'FROM',
    ]);
  });

  it('parses CREATE ... AS SELECT', () => {
    expect(parse("CREATE STREAM out WITH (kafka_topic='out') AS SELECT * FROM s WHERE v > 1 PARTITION BY k EMIT CHANGES")).toEqual({
      kind: 'CreateAsSelect',
      sourceType: 'STREAM',
      orReplace: false,
      ifNotExists: false,
      name: 'OUT',
      properties: [{ name: 'KAFKA_TOPIC', value: 'out' }],
      query: query({
        from: table('S'),
        where: { kind: 'Comparison', op: '>', left: col('V'), right: int('1') },
        partitionBy: [col('K')],
        emit: 'CHANGES',
      }),
    });
    expect(parse('CREATE OR REPLACE TABLE IF NOT EXISTS t AS SELECT k, COUNT(*) AS n FROM s GROUP BY k')).toEqual({
      kind: 'CreateAsSelect',
      sourceType: 'TABLE',
      orReplace: true,
      ifNotExists: true,
      name: 'T',
      properties: [],
      query: {
        kind: 'Query',
        select: [
          { kind: 'SelectExpr', expr: col('K') },
          { kind: 'SelectExpr', expr: { kind: 'FunctionCall', name: 'COUNT', args: [], distinct: false, star: true }, alias: 'N' },
        ],
        from: table('S'),
        groupBy: [col('K')],
      },
    });
  });
});

describe('INSERT', () => {
  it('parses INSERT INTO ... SELECT with properties', () => {
    expect(parse("INSERT INTO sink WITH (query_id='q1') SELECT * FROM src")).toEqual({
      kind: 'InsertInto',
      target: 'SINK',
      properties: [{ name: 'QUERY_ID', value: 'q1' }],
      query: query({ from: table('SRC') }),
    });
  });

  it('parses INSERT VALUES with and without a column list', () => {
    expect(parse("INSERT INTO s (ROWTIME, `id`, v) VALUES (1, 'a', -2.5)")).toEqual({
      kind: 'InsertValues',
      target: 'S',
      columns: ['ROWTIME', 'id', 'V'],
      values: [int('1'), str('a'), { kind: 'Negate', operand: { kind: 'DecimalLiteral', text: '2.5' } }],
    });
    expect(parse('INSERT INTO s VALUES ()')).toEqual({ kind: 'InsertValues', target: 'S', values: [] });
  });
});

describe('DDL on sources and types', () => {
  it('parses DROP', () => {
    expect(parse('DROP STREAM IF EXISTS s DELETE TOPIC')).toEqual({
      kind: 'DropSource',
      sourceType: 'STREAM',
      ifExists: true,
      name: 'S',
      deleteTopic: true,
    });
    expect(parse('DROP TABLE t')).toEqual({ kind: 'DropSource', sourceType: 'TABLE', ifExists: false, name: 'T', deleteTopic: false });
    expect(parse('DROP TYPE IF EXISTS address')).toEqual({ kind: 'DropType', ifExists: true, name: 'ADDRESS' });
  });

  it('reads IF as a name when it is not followed by EXISTS', () => {
    expect(parse('DROP STREAM IF')).toMatchObject({ name: 'IF', ifExists: false });
  });

  it('parses CREATE TYPE', () => {
    expect(parse('CREATE TYPE IF NOT EXISTS address AS STRUCT<street STRING, `zip` INT>')).toEqual({
      kind: 'CreateType',
      ifNotExists: true,
      name: 'ADDRESS',
      type: { kind: 'StructType', fields: [{ name: 'STREET', type: prim('STRING') }, { name: 'zip', type: prim('INT') }] },
    });
  });

  it('parses ALTER ... ADD COLUMN', () => {
    expect(parse('ALTER STREAM s ADD COLUMN a INT, ADD b MAP<STRING, DOUBLE>')).toEqual({
      kind: 'AlterSource',
      sourceType: 'STREAM',
      name: 'S',
      addColumns: [
        { name: 'A', type: prim('INT') },
        { name: 'B', type: { kind: 'MapType', key: prim('STRING'), value: prim('DOUBLE') } },
      ],
    });
  });
});

describe('administrative statements', () => {
  it.each([
    ['SHOW STREAMS', 'STREAMS', false, false],
    ['LIST TABLES EXTENDED', 'TABLES', true, false],
    ['show topics', 'TOPICS', false, false],
    ['SHOW ALL TOPICS EXTENDED', 'TOPICS', true, true],
    ['LIST QUERIES', 'QUERIES', false, false],
    ['SHOW PROPERTIES', 'PROPERTIES', false, false],
    ['SHOW FUNCTIONS', 'FUNCTIONS', false, false],
    ['SHOW TYPES', 'TYPES', false, false],
    ['SHOW VARIABLES', 'VARIABLES', false, false],
  ])('%s', (sql, target, extended, all) => {
    expect(parse(sql)).toEqual({ kind: 'Show', target, extended, all });
  });

  it('parses DESCRIBE', () => {
    expect(parse('DESCRIBE s EXTENDED')).toEqual({ kind: 'Describe', name: 'S', extended: true });
    expect(parse('DESCRIBE TABLES')).toEqual({ kind: 'Describe', listOf: 'TABLES', extended: false });
    expect(parse('DESCRIBE STREAMS EXTENDED')).toEqual({ kind: 'Describe', listOf: 'STREAMS', extended: true });
    expect(parse('DESCRIBE FUNCTION concat')).toEqual({ kind: 'DescribeFunction', name: 'CONCAT' });
    expect(parse('DESCRIBE function')).toEqual({ kind: 'Describe', name: 'FUNCTION', extended: false });
  });

  it('parses EXPLAIN of a query id and of a statement', () => {
    expect(parse('EXPLAIN CSAS_OUT_0')).toEqual({ kind: 'Explain', target: { kind: 'QueryId', id: 'CSAS_OUT_0' } });
    expect(parse('EXPLAIN SELECT * FROM s')).toEqual({
      kind: 'Explain',
      target: { kind: 'Statement', statement: { kind: 'QueryStatement', query: query({ from: table('S') }) } },
    });
  });

  it('parses TERMINATE', () => {
    expect(parse('TERMINATE CTAS_T_1')).toEqual({ kind: 'Terminate', queryId: 'CTAS_T_1' });
    expect(parse('TERMINATE ALL')).toEqual({ kind: 'Terminate' });
  });

  it('keeps the case of PRINT topics however they are written', () => {
    expect(parse("PRINT 'My-Topic' FROM BEGINNING INTERVAL 2 LIMIT 10")).toEqual({
      kind: 'Print',
      topic: 'My-Topic',
      fromBeginning: true,
      interval: 2,
      limit: 10,
    });
    expect(parse('PRINT myTopic')).toEqual({ kind: 'Print', topic: 'myTopic', fromBeginning: false });
    expect(parse('PRINT `myTopic` SAMPLE 3')).toEqual({ kind: 'Print', topic: 'myTopic', fromBeginning: false, interval: 3 });
  });

  it('parses properties, variables and scripts', () => {
    expect(parse("SET 'auto.offset.reset' = 'earliest'")).toEqual({ kind: 'SetProperty', name: 'auto.offset.reset', value: 'earliest' });
    expect(parse("UNSET 'auto.offset.reset'")).toEqual({ kind: 'UnsetProperty', name: 'auto.offset.reset' });
    expect(parse("DEFINE topicName = 'it''s'")).toEqual({ kind: 'DefineVariable', name: 'topicName', value: "it's" });
    expect(parse('UNDEFINE topicName')).toEqual({ kind: 'UndefineVariable', name: 'topicName' });
    expect(parse("RUN SCRIPT '/tmp/x.sql'")).toEqual({ kind: 'RunScript', path: '/tmp/x.sql' });
  });
});

describe('queries', () => {
  it('parses every kind of select item', () => {
    expect(parse('SELECT *, s.*, a AS x, b y, `c`, s->*, s->inner->* FROM src s')).toEqual({
      kind: 'QueryStatement',
      query: {
        kind: 'Query',
        select: [
          star,
          { kind: 'AllColumns', source: 'S' },
          { kind: 'SelectExpr', expr: col('A'), alias: 'X' },
          { kind: 'SelectExpr', expr: col('B'), alias: 'Y' },
          { kind: 'SelectExpr', expr: col('c') },
          { kind: 'StructAll', expr: col('S') },
          { kind: 'StructAll', expr: { kind: 'Dereference', base: col('S'), field: 'INNER' } },
        ],
        from: table('SRC', 'S'),
      },
    });
  });

  it('builds a left-deep tree for a chain of joins', () => {
    expect(
      stripSpans(
        (parseStatement(`SELECT * FROM a
          LEFT OUTER JOIN b WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON a.id = b.id
          FULL JOIN c AS cc WITHIN 1 DAY ON cc.id = a.id
          INNER JOIN d ON d.id = a.id
          RIGHT JOIN e ON e.id = a.id
          JOIN f ON f.id = a.id`) as { query: unknown }).query,
      ),
    ).toEqual(
      query({
        from: {
          kind: 'Join',
          joinType: 'INNER',
          left: {
            kind: 'Join',
            joinType: 'RIGHT',
            left: {
              kind: 'Join',
              joinType: 'INNER',
              left: {
                kind: 'Join',
                joinType: 'FULL',
                left: {
                  kind: 'Join',
                  joinType: 'LEFT',
                  left: table('A'),
                  right: table('B'),
                  within: { before: dur(1, 'HOURS'), after: dur(2, 'HOURS'), grace: dur(5, 'MINUTES') },
                  on: { kind: 'Comparison', op: '=', left: col('ID', 'A'), right: col('ID', 'B') },
                },
                right: table('C', 'CC'),
                within: { before: dur(1, 'DAYS'), after: dur(1, 'DAYS') },
                on: { kind: 'Comparison', op: '=', left: col('ID', 'CC'), right: col('ID', 'A') },
              },
              right: table('D'),
              on: { kind: 'Comparison', op: '=', left: col('ID', 'D'), right: col('ID', 'A') },
            },
            right: table('E'),
            on: { kind: 'Comparison', op: '=', left: col('ID', 'E'), right: col('ID', 'A') },
          },
          right: table('F'),
          on: { kind: 'Comparison', op: '=', left: col('ID', 'F'), right: col('ID', 'A') },
        },
      }),
    );
  });

  it('parses windows, normalising time units to plural', () => {
    const window = (sql: string) => (parse(`SELECT * FROM s WINDOW ${sql} GROUP BY k`) as { query: { window: unknown } }).query.window;
    expect(window('TUMBLING (SIZE 1 SECOND)')).toEqual({ kind: 'TumblingWindow', size: dur(1, 'SECONDS') });
    expect(window('TUMBLING (SIZE 2 MILLISECONDS, RETENTION 7 DAYS, GRACE PERIOD 1 MINUTE)')).toEqual({
      kind: 'TumblingWindow',
      size: dur(2, 'MILLISECONDS'),
      retention: dur(7, 'DAYS'),
      grace: dur(1, 'MINUTES'),
    });
    expect(window('HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECOND, GRACE PERIOD 2 HOURS)')).toEqual({
      kind: 'HoppingWindow',
      size: dur(30, 'SECONDS'),
      advance: dur(10, 'SECONDS'),
      grace: dur(2, 'HOURS'),
    });
    expect(window('SESSION (5 MINUTES, RETENTION 1 HOUR)')).toEqual({
      kind: 'SessionWindow',
      gap: dur(5, 'MINUTES'),
      retention: dur(1, 'HOURS'),
    });
    expect(window('w SESSION (5 MINUTES)')).toEqual({ kind: 'SessionWindow', gap: dur(5, 'MINUTES') });
  });

  it('parses every clause in order', () => {
    expect(
      parse("SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR) WHERE v <> 'x' GROUP BY k HAVING COUNT(*) > 2 EMIT FINAL LIMIT 3"),
    ).toEqual({
      kind: 'QueryStatement',
      query: {
        kind: 'Query',
        select: [
          { kind: 'SelectExpr', expr: col('K') },
          { kind: 'SelectExpr', expr: { kind: 'FunctionCall', name: 'COUNT', args: [], distinct: false, star: true } },
        ],
        from: table('S'),
        window: { kind: 'TumblingWindow', size: dur(1, 'HOURS') },
        where: { kind: 'Comparison', op: '<>', left: col('V'), right: str('x') },
        groupBy: [col('K')],
        having: {
          kind: 'Comparison',
          op: '>',
          left: { kind: 'FunctionCall', name: 'COUNT', args: [], distinct: false, star: true },
          right: int('2'),
        },
        emit: 'FINAL',
        limit: 3,
      },
    });
  });

  it('tells a parenthesised GROUP BY list from a parenthesised expression', () => {
    const groupBy = (sql: string) => (parse(`SELECT * FROM s GROUP BY ${sql}`) as { query: { groupBy: unknown } }).query.groupBy;
    expect(groupBy('(a, b)')).toEqual([col('A'), col('B')]);
    expect(groupBy('a, b')).toEqual([col('A'), col('B')]);
    expect(groupBy('(a)')).toEqual([col('A')]);
    expect(groupBy('(a IS NULL)')).toEqual([{ kind: 'IsNull', negated: false, operand: col('A') }]);
    expect(groupBy('(a + 1) * 2')).toEqual([
      { kind: 'Arithmetic', op: '*', left: { kind: 'Arithmetic', op: '+', left: col('A'), right: int('1') }, right: int('2') },
    ]);
    expect(groupBy('()')).toEqual([]);
    expect((parse('SELECT * FROM s PARTITION BY NULL') as { query: { partitionBy: unknown } }).query.partitionBy).toEqual([
      { kind: 'NullLiteral' },
    ]);
  });

  it('does not read a following clause keyword as a source alias', () => {
    expect(parse('SELECT * FROM s EMIT CHANGES')).toEqual({ kind: 'QueryStatement', query: query({ from: table('S'), emit: 'CHANGES' }) });
    expect(parse('SELECT * FROM s AS emit EMIT CHANGES')).toEqual({
      kind: 'QueryStatement',
      query: query({ from: table('S', 'EMIT'), emit: 'CHANGES' }),
    });
    expect(parse('SELECT * FROM s PARTITION BY k')).toEqual({
      kind: 'QueryStatement',
      query: query({ from: table('S'), partitionBy: [col('K')] }),
    });
  });

  it('accepts non-reserved keywords as column names', () => {
    const select = (parse('SELECT key, value, timestamp, date, size, type, topic, source, emit, window FROM s') as {
      query: { select: { expr: { name: string } }[] };
    }).query.select;
    expect(select.map((s) => s.expr.name)).toEqual(['KEY', 'VALUE', 'TIMESTAMP', 'DATE', 'SIZE', 'TYPE', 'TOPIC', 'SOURCE', 'EMIT', 'WINDOW']);
  });
});

describe('parseStatements', () => {
  it('parses a script whose last semicolon is optional', () => {
    const statements = parseStatements(`
      -- a script
      SHOW STREAMS;
      SELECT ';' AS semi FROM s;;
      SHOW TABLES`);
    expect(statements.map((s) => s.kind)).toEqual(['Show', 'QueryStatement', 'Show']);
  });

  it('accepts a trailing semicolon on a single statement', () => {
    expect(parse('SHOW TOPICS;')).toEqual({ kind: 'Show', target: 'TOPICS', extended: false, all: false });
  });
});

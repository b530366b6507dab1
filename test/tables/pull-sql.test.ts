// Pull queries that run inside SQLite, as one SELECT with Sluice's functions registered there,
// answer exactly what the row pipeline answers over the same committed rows: each query here
// is checked to take the SQLite path (explainPull) and compared with the pipeline's rows, and
// the rules that differ from SQL's (null semantics, failures, UTF-16 order, exact numbers)
// are also spelled out with their expected rows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../grammar/ast.js';
import { parseStatement } from '../../grammar/index.js';
import { analyzeQuery } from '../../planner/analyze/query.js';
import { Decimal } from '../../planner/values/decimal.js';
import { Engine } from '../../runtime/engine/engine.js';
import { MetaStore } from '../../runtime/engine/metastore.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import { MaterializedTable } from '../../runtime/materialize/materialized-table.js';
import { runPullQuery } from '../../runtime/materialize/pull-query.js';

let engine: Engine;

beforeAll(async () => {
  engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
  await engine.execute(`
    CREATE TABLE t (id INT PRIMARY KEY, name STRING, price DOUBLE, qty BIGINT, amount DECIMAL(12, 2), flag BOOLEAN,
                    tags ARRAY<STRING>, attrs MAP<STRING, INT>, addr STRUCT<city STRING, zip INT>)
      WITH (kafka_topic='t', partitions=1, value_format='JSON');
    INSERT INTO t (id, name, price, qty, amount, flag, tags, attrs, addr)
      VALUES (1, 'apple', 1.5, 9007199254740993, 10.25, true, ARRAY['a', 'b'], MAP('x' := 1), STRUCT(city := 'Oslo', zip := 100));
    INSERT INTO t (id, name, price, qty, amount, flag, tags, attrs, addr)
      VALUES (2, 'Banana', -2.0, -5, 0.10, false, ARRAY['c'], MAP('y' := 2), STRUCT(city := 'Bergen', zip := 200));
    INSERT INTO t (id) VALUES (3);
    INSERT INTO t (id, name, price, qty, amount, flag, tags, attrs, addr)
      VALUES (4, 'z🍒', 0.0, 9223372036854775807, 99999.99, true, ARRAY['d'], MAP('x' := 3), STRUCT(city := 'Oslo', zip := 50));
    INSERT INTO t (id, name, price, qty, amount, flag, tags, attrs, addr)
      VALUES (5, 'zｆ', 3.25, 7, 1.10, false, ARRAY['a', CAST(NULL AS STRING)], MAP('x' := CAST(NULL AS INT)), STRUCT(city := CAST(NULL AS STRING), zip := 300));
    INSERT INTO t (id, name, price, qty, amount, flag, tags, attrs, addr)
      VALUES (6, 'apple', 2.5, 1, 0.05, true, ARRAY['b'], MAP('z' := 9), STRUCT(city := 'Bergen', zip := 100));
    INSERT INTO t (id, name, price, qty, amount, flag) VALUES (7, 'Banana', 1.5, 10, 2.00, false);`);
  await engine.drain();
});

afterAll(async () => {
  await engine.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  const r = (await engine.execute(sql))[0]!;
  if (r.type !== 'rows') throw new Error(`expected rows, got ${r.type}`);
  return r.rows as unknown[][];
}

/** The same query through the row pipeline over the same SQLite rows (the path SQLite replaces). */
async function pipelineRows(sql: string): Promise<unknown[][]> {
  const stmt = parseStatement(sql) as Extract<Statement, { kind: 'QueryStatement' }>;
  const catalog = new MetaStore(defaultRegistry());
  for (const s of engine.sources()) catalog.putSource(s);
  const analyzed = analyzeQuery(stmt.query, catalog, undefined);
  const log = (await engine.log()) as EmbeddedLog;
  const table = new MaterializedTable(log.database, catalog.source(analyzed.source.name)!);
  return runPullQuery(analyzed, stmt.query, table, catalog).rows;
}

/** Runs `sql` in SQLite (checked), compares with the pipeline and returns the rows. */
async function same(sql: string, opts: { unordered?: boolean } = {}): Promise<unknown[][]> {
  const plan = await engine.explainPull(sql);
  expect(plan.path, sql).toBe('sqlite');
  const got = await rows(sql);
  const want = await pipelineRows(sql);
  const key = (r: unknown[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  if (opts.unordered) expect([...got].sort((a, b) => key(a).localeCompare(key(b))), sql).toEqual([...want].sort((a, b) => key(a).localeCompare(key(b))));
  else expect(got, sql).toEqual(want);
  return got;
}

const ids = (rs: unknown[][]) => rs.map((r) => r[0]);

describe('pull queries in SQLite return what the pipeline returns', () => {
  it('for scalar functions, string concatenation and null-handling functions', async () => {
    const r = await same("SELECT id, UCASE(name) AS u, LEN(name) AS n, ROUND(price) AS r, name || '!' AS bang FROM t WHERE ABS(qty) > 5;");
    expect(r).toEqual([
      [1, 'APPLE', 5, 2n, 'apple!'],
      [4, 'Z🍒', 3, 0n, 'z🍒!'],
      [5, 'ZＦ', 2, 3n, 'zｆ!'],
      [7, 'BANANA', 6, 2n, 'Banana!'],
    ]);
    await same("SELECT id, COALESCE(name, 'none') AS n, IFNULL(price, -1.0) AS p, CAST(id AS STRING) + '#' AS s FROM t;");
  });

  it('for CASE, searched and simple', async () => {
    const r = await same(
      "SELECT id, CASE WHEN price > 1 THEN 'hi' WHEN price IS NULL THEN 'none' ELSE 'lo' END AS band, CASE id WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS word FROM t WHERE id <= 3;",
    );
    expect(r).toEqual([
      [1, 'hi', 'one'],
      [2, 'lo', 'two'],
      [3, 'none', null],
    ]);
  });

  it('for LIKE, IN and NOT IN (a null value is NOT IN anything)', async () => {
    expect(ids(await same("SELECT id FROM t WHERE name LIKE 'a%' OR name LIKE '%an%';"))).toEqual([1, 2, 6, 7]);
    await same("SELECT id FROM t WHERE name NOT LIKE '%a%';");
    expect(ids(await same('SELECT id FROM t WHERE id IN (1, 3, 5, 70);'))).toEqual([1, 3, 5]);
    expect(ids(await same("SELECT id FROM t WHERE name NOT IN ('apple', 'Banana');"))).toEqual([3, 4, 5]);
    expect(ids(await same("SELECT id FROM t WHERE name IN ('apple', NULL);"))).toEqual([1, 6]);
  });

  it('for Sluice null semantics: comparisons with null are false, failed arithmetic rejects the row', async () => {
    // price is null for id 3: `price > 1` is false, so NOT of it is true.
    expect(ids(await same('SELECT id FROM t WHERE NOT (price > 1);'))).toEqual([2, 3, 4]);
    // Arithmetic on null fails the whole WHERE, even under an OR that would be true.
    expect(ids(await same('SELECT id FROM t WHERE price * 2 > 1 OR name IS NULL;'))).toEqual([1, 5, 6, 7]);
    // ...unless OR decided before reaching it: the right side is evaluated lazily.
    expect(ids(await same('SELECT id FROM t WHERE price IS NULL OR price * 2 > 1;'))).toEqual([1, 3, 5, 6, 7]);
    expect(ids(await same('SELECT id FROM t WHERE (price > 100 AND price * 2 > 1) OR id = 3;'))).toEqual([3]);
    // A failing column is null, the row stays.
    expect(await same('SELECT id, price * 2 AS p2 FROM t WHERE id IN (1, 3);')).toEqual([
      [1, 3],
      [3, null],
    ]);
    expect(ids(await same('SELECT id FROM t WHERE price NOT BETWEEN 0 AND 2;'))).toEqual([2, 3, 5, 6]);
    await same('SELECT id FROM t WHERE price BETWEEN -2 AND 1.5;');
    expect(ids(await same("SELECT id FROM t WHERE name IS DISTINCT FROM 'apple';"))).toEqual([2, 3, 4, 5, 7]);
    await same('SELECT id, flag, NOT flag AS nf, flag AND price > 1 AS both FROM t WHERE flag OR qty < 0;');
  });

  it('for DECIMAL and BIGINT, exactly', async () => {
    const r = await same('SELECT id, amount + 0.01 AS a, amount * 2 AS b FROM t WHERE amount > 1.00;');
    expect(r[0]).toEqual([1, Decimal.parse('10.26'), Decimal.parse('20.50')]);
    expect(await same('SELECT id, qty, qty + 1 AS next FROM t WHERE qty = 9007199254740993;')).toEqual([[1, 9007199254740993n, 9007199254740994n]]);
    expect(ids(await same('SELECT id FROM t WHERE qty > 9007199254740992;'))).toEqual([1, 4]);
    // BIGINT arithmetic wraps at 64 bits, as in Java.
    expect(await same('SELECT id, qty + 1 AS q FROM t WHERE id = 4;')).toEqual([[4, -9223372036854775808n]]);
  });

  it('for structs, arrays and maps', async () => {
    const r = await same("SELECT id, addr->city AS city, tags[1] AS first, attrs['x'] AS x, ARRAY_LENGTH(tags) AS n FROM t WHERE addr->zip >= 100;");
    expect(r).toEqual([
      [1, 'Oslo', 'a', 1, 2],
      [2, 'Bergen', 'c', null, 1],
      [5, null, 'a', null, 2],
      [6, 'Bergen', 'b', null, 1],
    ]);
    expect(ids(await same("SELECT id FROM t WHERE tags = ARRAY['a', 'b'];"))).toEqual([1]);
    const [whole] = await same('SELECT * FROM t WHERE id = 5;');
    expect(whole).toEqual([5, 'zｆ', 3.25, 7n, Decimal.parse('1.10'), false, ['a', null], new Map([['x', null]]), { CITY: null, ZIP: 300 }]);
  });

  it('for ORDER BY on expressions, with Sluice order (UTF-16 strings, nulls last ascending), LIMIT and OFFSET', async () => {
    const byName = await same('SELECT id, name FROM t ORDER BY name;');
    // UTF-16 puts the surrogate pair of 🍒 before U+FF46 (UTF-8 bytes would not).
    expect(ids(byName)).toEqual([2, 7, 1, 6, 4, 5, 3]);
    expect((await engine.explainPull('SELECT id, name FROM t ORDER BY name;')).ordering).toBe('sqlite');
    // Descending, the null (id 3) comes first: Sluice sorts null as the largest value.
    expect(await same('SELECT id, UCASE(name) AS u FROM t ORDER BY u DESC, id LIMIT 3 OFFSET 1;')).toEqual([
      [5, 'ZＦ'],
      [4, 'Z🍒'],
      [2, 'BANANA'],
    ]);
    expect(ids(await same('SELECT id, price * -1 AS neg FROM t ORDER BY neg, id;'))).toEqual([5, 6, 1, 7, 4, 2, 3]);
    expect(ids(await same('SELECT id, qty FROM t ORDER BY qty DESC;'))).toEqual([3, 4, 1, 7, 5, 6, 2]);
  });

  it('for ORDER BY on a DECIMAL, sorted in JavaScript after SQLite filters', async () => {
    expect(ids(await same('SELECT id, amount FROM t WHERE id > 1 ORDER BY amount DESC LIMIT 3;'))).toEqual([3, 4, 7]);
    expect((await engine.explainPull('SELECT id, amount FROM t ORDER BY amount;')).ordering).toBe('javascript');
  });

  it('for GROUP BY with aggregates and HAVING', async () => {
    const r = await same(
      'SELECT name, COUNT(*) AS n, SUM(qty) AS total, MIN(price) AS lo, MAX(amount) AS hi, AVG(price) AS mean FROM t GROUP BY name ORDER BY name;',
    );
    expect(r.map((x) => x.slice(0, 3))).toEqual([
      ['Banana', 2n, 5n],
      ['apple', 2n, 9007199254740994n],
      ['z🍒', 1n, 9223372036854775807n],
      ['zｆ', 1n, 7n],
    ]);
    // Rows whose grouping is null (id 3) are left out, as ksqlDB leaves them out.
    await same('SELECT flag, COLLECT_LIST(id) AS ids, SUM(price) AS s FROM t GROUP BY flag HAVING COUNT(*) > 2;', { unordered: true });
    await same('SELECT UCASE(name) AS u, COUNT(*) AS n FROM t WHERE price > 0 GROUP BY UCASE(name);', { unordered: true });
    await same('SELECT addr->city AS city, COUNT(*) AS n FROM t GROUP BY addr->city;', { unordered: true });
  });
});

describe('pull-query plans', () => {
  it('run key lookups on the primary key index, with the literal as a parameter', async () => {
    const plan = await engine.explainPull('SELECT * FROM t WHERE id = 4;');
    expect(plan.path).toBe('sqlite');
    expect(plan.sql).toMatch(/WHERE \("ID" = \?\)$/);
    const log = (await engine.log()) as EmbeddedLog;
    const detail = log.database.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(4) as { detail: string }[];
    expect(detail.map((d) => d.detail).join('\n')).toMatch(/USING (INTEGER )?PRIMARY KEY|USING INDEX/);
  });

  it('register Sluice functions in SQLite for the parts SQL has no exact equivalent for', async () => {
    const plan = await engine.explainPull("SELECT id, UCASE(name) AS u FROM t WHERE price * 2 > 1 AND name LIKE 'a%';");
    expect(plan.sql).toMatch(/sluice_x\d+\("NAME"\)/);
    expect(plan.sql).toMatch(/sluice_true\(sluice_x\d+\("PRICE"\)\)/);
  });

  it('share one plan between statements that differ only in literals, and not otherwise', async () => {
    expect(await rows('SELECT id, name FROM t WHERE id = 1;')).toEqual([[1, 'apple']]);
    expect((await engine.explainPull('SELECT id, name FROM t WHERE id = 2;')).cached).toBe(true);
    expect(await rows('SELECT id, name FROM t WHERE id = 2;')).toEqual([[2, 'Banana']]);
    expect(await rows('SELECT id, name FROM t WHERE id = 99;')).toEqual([]);
    // A literal the typer types differently (BIGINT) is a different statement.
    expect((await engine.explainPull('SELECT id, name FROM t WHERE id = 3000000000;')).cached).toBe(false);
    // Negative literals, IN lists, LIMIT.
    expect(ids(await rows('SELECT id FROM t WHERE qty = -5 OR id IN (6, 7) LIMIT 2;'))).toEqual([2, 6]);
    expect((await engine.explainPull('SELECT id FROM t WHERE qty = -7 OR id IN (1, 3) LIMIT 1;')).cached).toBe(true);
    expect(ids(await rows('SELECT id FROM t WHERE qty = -7 OR id IN (1, 3) LIMIT 1;'))).toEqual([1]);
    expect(ids(await rows('SELECT id FROM t WHERE qty = -5 OR id IN (1, 3) LIMIT 3;'))).toEqual([1, 2, 3]);
    // The sign is a token of its own: a positive literal is another statement (same answer).
    expect((await engine.explainPull('SELECT id FROM t WHERE qty = 7 OR id IN (1, 3) LIMIT 1;')).cached).toBe(false);
    expect(ids(await rows('SELECT id FROM t WHERE qty = 7 OR id IN (6, 3) LIMIT 2;'))).toEqual([3, 5]);
    // A literal compiled into a function is part of the plan: a different one plans afresh.
    expect(ids(await rows("SELECT id FROM t WHERE SUBSTRING(name, 1, 1) = 'a';"))).toEqual([1, 6]);
    expect((await engine.explainPull("SELECT id FROM t WHERE SUBSTRING(name, 1, 1) = 'B';")).cached).toBe(true);
    expect((await engine.explainPull("SELECT id FROM t WHERE SUBSTRING(name, 2, 1) = 'a';")).cached).toBe(false);
    expect(ids(await rows("SELECT id FROM t WHERE SUBSTRING(name, 2, 1) = 'a';"))).toEqual([2, 7]);
    // Strings that SQLite can't order as Sluice does plan separately.
    expect(ids(await rows("SELECT id FROM t WHERE name >= 'z';"))).toEqual([4, 5]);
    expect((await engine.explainPull("SELECT id FROM t WHERE name >= 'z🍒';")).cached).toBe(false);
    expect(ids(await rows("SELECT id FROM t WHERE name >= 'z🍒';"))).toEqual([4, 5]);
    expect(ids(await rows("SELECT id FROM t WHERE name > 'z🍒';"))).toEqual([5]);
  });

  it('keep positioned errors for statements that only look like cached ones', async () => {
    await rows('SELECT id FROM t WHERE id = 1;');
    await expect(engine.execute('SELECT nope FROM t WHERE id = 1;')).rejects.toMatchObject({ line: 1, column: 8 });
    await expect(engine.execute('SELECT id FROM t WHERE id = 99999999999999999999;')).rejects.toThrow(/Invalid numeric literal/);
  });

  it('see a table dropped and re-created, and SET of the table-scan setting', async () => {
    const e = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await e.execute(`
        CREATE TABLE k (id STRING PRIMARY KEY, v INT) WITH (kafka_topic='k', partitions=1, value_format='JSON');
        INSERT INTO k (id, v) VALUES ('a', 1);`);
      await e.drain();
      expect((await e.execute("SELECT v FROM k WHERE v = 1;"))[0]).toMatchObject({ rows: [[1]] });
      await e.execute("SET 'ksql.query.pull.table.scan.enabled'='false';");
      await expect(e.execute('SELECT v FROM k WHERE v = 2;')).rejects.toThrow(/table scan to be enabled/);
      await e.execute("UNSET 'ksql.query.pull.table.scan.enabled';");
      await e.execute(`DROP TABLE k DELETE TOPIC;
        CREATE TABLE k (id STRING PRIMARY KEY, v INT) WITH (kafka_topic='k', partitions=1, value_format='JSON');
        INSERT INTO k (id, v) VALUES ('b', 2);`);
      await e.drain();
      expect((await e.execute('SELECT v FROM k WHERE v = 2;'))[0]).toMatchObject({ rows: [[2]] });
    } finally {
      await e.close();
    }
  });
});

// Queries that re-key, run as stages joined by internal repartition topics (as in Kafka mode),
// on the embedded log: they give exactly the rows the same queries give re-keying in-process,
// the internal topics are named and sized as ksqlDB's, stages stay internal, and TERMINATE
// removes them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import type { EngineOptions } from '../../runtime/engine/api.js';

const DDL = `
  CREATE STREAM orders (id INT KEY, item STRING, qty INT, price DECIMAL(10, 2), big BIGINT,
      tags ARRAY<STRING>, meta STRUCT<origin STRING, rush BOOLEAN>, ts BIGINT)
    WITH (kafka_topic='orders', value_format='JSON', partitions=3, timestamp='ts');
  CREATE TABLE items (name STRING PRIMARY KEY, category STRING)
    WITH (kafka_topic='items', key_format='KAFKA', value_format='JSON', partitions=2);
  CREATE STREAM shipments (sid INT KEY, item STRING, carrier STRING)
    WITH (kafka_topic='shipments', value_format='JSON', partitions=4);
`;

const QUERIES = `
  CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS q, SUM(price) AS revenue,
      MAX(big) AS big, COLLECT_LIST(ROWPARTITION) AS parts, MAX(ROWOFFSET) AS last_offset
    FROM orders WHERE qty > 0 GROUP BY item;
  CREATE TABLE per_origin WITH (key_format='JSON') AS SELECT meta->origin AS origin, meta->rush AS rush, COUNT(*) AS n,
      LATEST_BY_OFFSET(tags) AS tags FROM orders GROUP BY meta->origin, meta->rush;
  CREATE STREAM enriched AS SELECT o.item, o.id, o.qty, i.category, o.ROWPARTITION AS part
    FROM orders o JOIN items i ON o.item = i.name;
  CREATE STREAM shipped AS SELECT o.item, o.id, s.sid, s.carrier
    FROM orders o JOIN shipments s WITHIN 1 HOUR ON o.item = s.item;
  CREATE TABLE per_category AS SELECT i.category, COUNT(*) AS n FROM orders o JOIN items i ON o.item = i.name GROUP BY i.category;
`;

/** Inputs, one statement each; the engine drains after every one, as the conformance runner does. */
function inputs(): string[] {
  const out: string[] = [];
  const names = ['apple', 'pear', 'plum', 'fig', 'kiwi'];
  names.slice(0, 4).forEach((n, i) => out.push(`INSERT INTO items (name, category) VALUES ('${n}', 'cat${i % 2}');`));
  for (let i = 0; i < 40; i++) {
    const item = names[(i * 7) % 5];
    // 2^53 + i: must come through the internal topic unchanged.
    const big = `${9007199254740992n + BigInt(i)}`;
    out.push(
      `INSERT INTO orders (id, item, qty, price, big, tags, meta, ts) VALUES (${i % 6}, '${item}', ${(i % 5) - 1}, ${i}.25, ${big}, ` +
        `ARRAY['t${i % 3}'], STRUCT(origin := 'o${i % 3}', rush := ${i % 2 === 0}), ${1_000 + i * 10});`,
    );
    if (i % 4 === 0) out.push(`INSERT INTO shipments (ROWTIME, sid, item, carrier) VALUES (${1_005 + i * 10}, ${i}, '${item}', 'c${i % 3}');`);
    if (i === 20) out.push(`INSERT INTO items (name, category) VALUES ('kiwi', 'late');`);
  }
  return out;
}

const SINKS = ['PER_ITEM', 'PER_ORIGIN', 'ENRICHED', 'SHIPPED', 'PER_CATEGORY'];
const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));

interface Outcome {
  /** Per sink topic: every record (key, value, timestamp), in order within each partition. */
  readonly records: Record<string, string[]>;
  /** Per table: a pull query's rows, sorted. */
  readonly tables: Record<string, string[]>;
  readonly topics: ReadonlyMap<string, number>;
  readonly queries: readonly string[];
}

const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function runAll(options: EngineOptions): Promise<{ engine: Engine; outcome: Outcome }> {
  const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' }, ...options });
  engines.push(engine);
  await engine.execute(DDL);
  await engine.execute(QUERIES);
  for (const sql of inputs()) {
    await engine.execute(sql);
    await engine.drain();
  }
  return { engine, outcome: await outcomeOf(engine) };
}

async function outcomeOf(engine: Engine): Promise<Outcome> {
  const log = await engine.log();
  const records: Record<string, string[]> = {};
  for (const sink of SINKS) {
    const info = (await log.describeTopic(sink))!;
    const rows: string[] = [];
    for (let p = 0; p < info.partitions; p++) {
      for (const r of await log.fetch(sink, p, 0, 10_000)) rows.push(`${p} ${r.key?.toString('hex')} ${r.value?.toString()} @${r.timestamp}`);
    }
    records[sink] = rows;
  }
  const tables: Record<string, string[]> = {};
  for (const t of ['PER_ITEM', 'PER_ORIGIN', 'PER_CATEGORY']) {
    const r = (await engine.execute(`SELECT * FROM ${t};`))[0]!;
    if (r.type !== 'rows') throw new Error(r.type);
    tables[t] = r.rows.map(show).sort();
  }
  const topics = new Map((await log.listTopics()).map((t) => [t.name, t.partitions]));
  return { records, tables, topics, queries: engine.queries().map((q) => q.id) };
}

// Run once, on first use, and shared by the tests below.
let runs: Record<'off' | 'on', Promise<{ engine: Engine; outcome: Outcome }>> | undefined;
const baseline = () => (runs ??= { off: runAll({ repartitionTopics: false }), on: runAll({ repartitionTopics: true }) }).off;
const staged = () => (runs ??= { off: runAll({ repartitionTopics: false }), on: runAll({ repartitionTopics: true }) }).on;

describe('with repartition topics', () => {
  it('every sink gets exactly the records it gets re-keying in-process', async () => {
    const [off, on] = [(await baseline()).outcome, (await staged()).outcome];
    for (const sink of SINKS) {
      expect(on.records[sink]!.length, sink).toBeGreaterThan(0);
      expect(on.records[sink], sink).toEqual(off.records[sink]);
    }
    for (const [t, rows] of Object.entries(off.tables)) expect(on.tables[t], t).toEqual(rows);
    // The data came through: BIGINT above 2^53 exact, decimals, the input's partitions.
    expect(on.tables.PER_ITEM).toContain('["fig","8n",24,"174.00","9007199254741031n",[1,1,2,0,1,2,1,1],"19n"]');
    expect(on.tables.PER_CATEGORY).toEqual(['["cat0","16n"]', '["cat1","16n"]', '["late","4n"]']);
  });

  it('creates the internal topics, named as ksqlDB names them, with the partition counts co-partitioning needs', async () => {
    const off = (await baseline()).outcome;
    const on = (await staged()).outcome;
    expect([...off.topics.keys()].filter((t) => t.includes('repartition'))).toEqual([]);
    const internal = Object.fromEntries([...on.topics].filter(([t]) => t.endsWith('-repartition')));
    expect(internal).toEqual({
      // GROUP BY: the input's partitions.
      '_sluice_query_CTAS_PER_ITEM_0-Aggregate-GroupBy-repartition': 3,
      '_sluice_query_CTAS_PER_ORIGIN_1-Aggregate-GroupBy-repartition': 3,
      // A stream side joined to a table: the table's partitions.
      '_sluice_query_CSAS_ENRICHED_2-Join-left-repartition': 2,
      // Two streams re-keyed: the larger count.
      '_sluice_query_CSAS_SHIPPED_3-Join-left-repartition': 4,
      '_sluice_query_CSAS_SHIPPED_3-Join-right-repartition': 4,
      '_sluice_query_CTAS_PER_CATEGORY_4-Join-left-repartition': 2,
      '_sluice_query_CTAS_PER_CATEGORY_4-Aggregate-GroupBy-repartition': 3,
    });
  });

  it('shows each query once: stages are internal', async () => {
    const { engine, outcome } = await staged();
    expect(outcome.queries).toEqual((await baseline()).outcome.queries);
    const shown = (await engine.execute('SHOW QUERIES;'))[0]!;
    if (shown.type !== 'queries') throw new Error(shown.type);
    expect(shown.queries.map((q) => q.id)).toEqual(['CTAS_PER_ITEM_0', 'CTAS_PER_ORIGIN_1', 'CSAS_ENRICHED_2', 'CSAS_SHIPPED_3', 'CTAS_PER_CATEGORY_4']);
    const described = (await engine.execute('DESCRIBE per_item EXTENDED;'))[0]!;
    if (described.type !== 'sourceDescription') throw new Error(described.type);
    expect(described.writeQueries).toEqual(['CTAS_PER_ITEM_0']);
  });

  it('counts a record a stage cannot read as the query’s error, as in-process', async () => {
    const errors = async (engine: Engine): Promise<Record<string, number>> => {
      const log = await engine.log();
      await log.produce('orders', [{ key: null, value: Buffer.from('{not json'), timestamp: 5_000, headers: [] }]);
      await engine.drain();
      return Object.fromEntries(engine.queryStats().map((q) => [q.id, q.errors]));
    };
    const off = await errors((await baseline()).engine);
    const on = await errors((await staged()).engine);
    expect(Object.values(on).every((n) => n >= 1)).toBe(true);
    expect(on).toEqual(off);
  });

  it('TERMINATE stops every stage and deletes its consumer groups and internal topics', async () => {
    const { engine } = await staged();
    const log = await engine.log();
    const group = '_sluice_query_CSAS_SHIPPED_3';
    expect((await log.committed(`${group}-Join-left`)).length).toBeGreaterThan(0);
    await engine.execute('TERMINATE CSAS_SHIPPED_3;');
    const left = (await log.listTopics()).map((t) => t.name).filter((t) => t.startsWith(group));
    expect(left).toEqual([]);
    expect(await log.committed(`${group}-Join-left`)).toEqual([]);
    expect(await log.committed(`${group}-Join-right`)).toEqual([]);
    // The others keep running through their stages.
    await engine.execute("INSERT INTO orders (id, item, qty, price, big, tags, meta, ts) VALUES (1, 'fig', 3, 1.00, 1, ARRAY['x'], STRUCT(origin := 'o9', rush := true), 99999);");
    await engine.drain();
    const r = (await engine.execute("SELECT n FROM per_origin WHERE origin = 'o9' AND rush = true;"))[0]!;
    if (r.type !== 'rows') throw new Error(r.type);
    expect(r.rows).toEqual([[1n]]);
  });
});

describe('after a restart', () => {
  it('stages resume from their committed positions: nothing is lost or counted twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-repartition-'));
    try {
      const open = () => new Engine({ dataDir, repartitionTopics: true, properties: { 'auto.offset.reset': 'earliest' } });
      let engine = open();
      await engine.execute(DDL);
      await engine.execute('CREATE TABLE per_item AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item;');
      const all = inputs().filter((s) => s.startsWith('INSERT INTO orders'));
      for (const sql of all.slice(0, 20)) await engine.execute(sql);
      await engine.drain();
      await engine.close();
      engine = open();
      for (const sql of all.slice(20)) await engine.execute(sql);
      await engine.drain();
      const r = (await engine.execute('SELECT n FROM per_item;'))[0]!;
      await engine.close();
      if (r.type !== 'rows') throw new Error(r.type);
      expect(r.rows.reduce((sum, row) => sum + (row[0] as bigint), 0n)).toBe(BigInt(all.length));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

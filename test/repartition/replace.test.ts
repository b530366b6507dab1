// CREATE OR REPLACE of a query's result starts the new query afresh and removes the old one as
// TERMINATE would: its state tables and its stages' internal topics do not linger.

import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
});

describe('CREATE OR REPLACE', () => {
  it("removes the replaced query's state and internal topics, and the new query answers", async () => {
    engine = new Engine({ memory: true, repartitionTopics: true, properties: { 'auto.offset.reset': 'earliest' } });
    const e = engine;
    await e.execute(`
      CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='s', partitions=2, value_format='JSON');
      INSERT INTO s (k, v) VALUES (1, 'a');
      INSERT INTO s (k, v) VALUES (2, 'a');
      CREATE TABLE c AS SELECT v, COUNT(*) AS n FROM s GROUP BY v;`);
    await e.drain();
    const topics = async () => (await (await e.log()).listTopics()).map((t) => t.name).filter((n) => n.includes('repartition'));
    const tables = async () =>
      ((await e.stateDatabase()).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(await topics()).toEqual([expect.stringContaining('CTAS_C_0')]);
    expect((await tables()).some((t) => t.includes('CTAS_C_0'))).toBe(true);

    await e.execute('CREATE OR REPLACE TABLE c AS SELECT v, COUNT(*) AS n, MAX(k) AS top FROM s GROUP BY v;');
    await e.execute("INSERT INTO s (k, v) VALUES (3, 'a');");
    await e.drain();
    expect(e.queries().map((q) => q.id)).toEqual(['CTAS_C_1']);
    expect(await topics()).toEqual([expect.stringContaining('CTAS_C_1')]);
    expect((await tables()).filter((t) => t.includes('CTAS_C_0'))).toEqual([]);
    const r = (await e.execute("SELECT * FROM c WHERE v = 'a';"))[0]!;
    expect(r.type === 'rows' && r.rows).toEqual([['a', 3n, 3]]);
  });
});

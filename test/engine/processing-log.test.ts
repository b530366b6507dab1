import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

describe('processing log', () => {
  it('skips an undecodable record, logs it, counts it, and keeps running', async () => {
    const engine = new Engine({ memory: true });
    try {
      await engine.execute(`
        CREATE STREAM a (id INT KEY, v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);
        CREATE STREAM b AS SELECT * FROM a;`);
      const log = await engine.log();
      const key = Buffer.alloc(4);
      key.writeInt32BE(7);
      await log.produce('a', [
        { timestamp: 1, key, value: Buffer.from('{"V": 1}') },
        { timestamp: 2, key, value: Buffer.from('{not json') },
        { timestamp: 3, key, value: Buffer.from('{"V": 3}') },
      ]);
      await engine.drain();
      const out = await log.fetch('B', 0, 0, 10);
      expect(out.map((r) => JSON.parse(r.value!.toString()))).toEqual([{ V: 1 }, { V: 3 }]);
      const errors = await log.fetch('sluice_processing_log', 0, 0, 10);
      expect(errors).toHaveLength(1);
      const entry = JSON.parse(errors[0]!.value!.toString());
      expect(entry).toMatchObject({ QUERY_ID: 'CSAS_B_0', TOPIC: 'a', PARTITION: 0, OFFSET: 1, ERROR_KIND: 'DESERIALIZATION' });
      expect(engine.queryStats()[0]).toMatchObject({ processed: 3, errors: 1 });
      const rows = await engine.execute('SELECT * FROM SLUICE_PROCESSING_LOG;');
      expect(rows[0]!.type === 'rows' && rows[0]!.rows.length).toBe(1);
    } finally {
      await engine.close();
    }
  });
});

describe('expression errors', () => {
  it('yield null where they happen, are logged, and the row still flows (as in ksqlDB)', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await engine.execute(`
        CREATE STREAM a (id INT KEY, s STRING) WITH (kafka_topic='a', value_format='JSON', partitions=1);
        CREATE STREAM b AS SELECT id, ARRAY[1, CAST(s AS INT)] AS arr, 10 / CAST(s AS INT) AS q FROM a;
        INSERT INTO a (id, s) VALUES (1, 'x');
        INSERT INTO a (id, s) VALUES (2, '5');`);
      await engine.drain();
      const log = await engine.log();
      const out = (await log.fetch('B', 0, 0, 10)).map((r) => JSON.parse(r.value!.toString()));
      expect(out).toEqual([
        { ARR: [1, null], Q: null },
        { ARR: [1, 5], Q: 2 },
      ]);
      const errors = (await log.fetch('sluice_processing_log', 0, 0, 10)).map((r) => JSON.parse(r.value!.toString()));
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(errors.every((e) => e.ERROR_KIND === 'EXPRESSION' && e.OFFSET === 0)).toBe(true);
    } finally {
      await engine.close();
    }
  });
});

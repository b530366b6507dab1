// Restart: the command log restores the catalog, query ids and every query's position.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { SluiceError } from '../../runtime/engine/api.js';

async function rows(engine: Engine, sql: string): Promise<unknown[][]> {
  const r = (await engine.execute(sql))[0]!;
  if (r.type !== 'rows') throw new Error('expected rows');
  return r.rows.map((x) => [...x]);
}

describe('restart', () => {
  it('restores sources, types and queries, and resumes without loss or duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-restart-'));
    try {
      const a = new Engine({ dataDir: dir });
      await a.execute(`
        CREATE TYPE money AS DECIMAL(10, 2);
        CREATE STREAM s (id INT KEY, amount money) WITH (kafka_topic='s', partitions=1, value_format='JSON');
        CREATE STREAM big AS SELECT id, amount FROM s WHERE amount > 10;
        INSERT INTO s (id, amount) VALUES (1, 20.5);`);
      await a.drain();
      await a.close();

      const b = new Engine({ dataDir: dir });
      await b.execute("INSERT INTO s (id, amount) VALUES (2, 5); INSERT INTO s (id, amount) VALUES (3, 30.25);");
      await b.drain();
      expect(b.queries().map((q) => q.id)).toEqual(['CSAS_BIG_0']);
      expect((await rows(b, 'SELECT * FROM big;')).map((r) => [r[0], String(r[1])])).toEqual([
        [1, '20.50'],
        [3, '30.25'],
      ]);
      // The next query id continues the sequence.
      const res = await b.execute('CREATE STREAM small AS SELECT id, amount FROM s WHERE amount <= 10;');
      expect(res[0]).toMatchObject({ queryId: 'CSAS_SMALL_1' });
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second engine on the same data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
    const a = new Engine({ dataDir: dir });
    try {
      await a.execute('SHOW STREAMS;');
      const b = new Engine({ dataDir: dir });
      await expect(b.execute('SHOW STREAMS;')).rejects.toThrow(/in use/);
      await b.close();
    } finally {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports errors with line and column, never a stack', async () => {
    const e = new Engine({ memory: true });
    try {
      const err = await e.execute('SHOW STREAMS;\nSELECT * FROM nope;').catch((x: unknown) => x);
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).line).toBe(2);
      expect(String(err)).toMatch(/^2:\d+: NOPE does not exist/);
    } finally {
      await e.close();
    }
  });
});

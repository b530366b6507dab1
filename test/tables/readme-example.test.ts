// The README's tables/windows/pull-query example (queries/pageview-windows.sql): the rows it
// shows are the rows Sluice returns.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

const script = join(import.meta.dirname, '..', '..', 'queries', 'pageview-windows.sql');

async function rows(engine: Engine, sql: string): Promise<readonly (readonly unknown[])[]> {
  const [r] = await engine.execute(sql);
  if (r?.type !== 'rows') throw new Error(`not rows: ${r?.type}`);
  return r.rows;
}

describe('queries/pageview-windows.sql', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    await engine.execute(readFileSync(script, 'utf8'));
    await engine.drain();
  });
  afterAll(() => engine.close());

  it('aggregates a stream per key', async () => {
    expect(await rows(engine, "SELECT * FROM views_per_user WHERE user_id = 'alice';")).toEqual([['alice', 3n, 220, '/blog']]);
  });

  it('emits each tumbling window once it closes (EMIT FINAL)', async () => {
    const r = await rows(engine, 'SELECT user_id, views, win_start, win_end FROM views_per_minute ORDER BY win_start, user_id;');
    // bob's last view (t=1700000200000) opened a window that has not closed yet.
    expect(r).toEqual([
      ['alice', 2n, 1699999980000n, 1700000040000n],
      ['bob', 1n, 1699999980000n, 1700000040000n],
      ['alice', 1n, 1700000100000n, 1700000160000n],
    ]);
  });

  it('merges session windows', async () => {
    expect(await rows(engine, 'SELECT user_id, views, WINDOWSTART, WINDOWEND FROM sessions ORDER BY user_id;')).toEqual([
      ['alice', 3n, 1700000000000n, 1700000100000n],
      ['bob', 2n, 1700000020000n, 1700000200000n],
    ]);
  });

  it('retracts a table row\'s old contribution when it is updated', async () => {
    expect(await rows(engine, 'SELECT * FROM users_per_country ORDER BY country;')).toEqual([
      ['FR', 1n],
      ['NL', 1n],
    ]);
  });
});

// Smoke test: every example program in queries/ runs on a fresh engine, and each of its
// persistent queries produces output.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

const dir = join(import.meta.dirname, '..', '..', 'queries');

describe('queries/', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    it(`${file} runs and its queries produce rows`, async () => {
      const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
      try {
        await engine.execute(readFileSync(join(dir, file), 'utf8'));
        await engine.drain();
        const queries = engine.queries();
        expect(queries.length).toBeGreaterThan(0);
        for (const q of queries) {
          const res = await engine.execute(`SELECT * FROM ${q.sinks[0]};`);
          expect(res[0]!.type === 'rows' && res[0]!.rows.length).toBeGreaterThan(0);
        }
      } finally {
        await engine.close();
      }
    });
  }
});

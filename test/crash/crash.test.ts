// Exactly-once across kill -9: a persistent query over 100,000 records is killed at random
// points several times, restarted each time, and the sink must finally hold every expected
// output exactly once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import { runChild as runChildProcess, seededRandom } from './harness.js';

/** Runs the child; in 'run' mode it is SIGKILLed once it reports `killAt` processed records. */
const runChild = (dir: string, mode: 'run' | 'finish', killAt?: number): Promise<string> =>
  runChildProcess({ script: 'test/crash/crash-child.ts', args: [dir], mode, ...(killAt !== undefined ? { killAt } : {}), deadlineMs: 5000 });

const RECORDS = 100_000;

describe('crash safety', () => {
  it('delivers every output exactly once across repeated SIGKILLs', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
    try {
      const setup = new Engine({ dataDir: dir });
      await setup.execute(
        "CREATE STREAM nums (id BIGINT KEY, v INT) WITH (kafka_topic='nums', partitions=2, value_format='JSON');",
      );
      const log = await setup.log();
      for (let start = 0; start < RECORDS; start += 5000) {
        const batch = [];
        for (let i = start; i < start + 5000; i++) {
          const key = Buffer.alloc(8);
          key.writeBigInt64BE(BigInt(i));
          batch.push({ timestamp: i, key, value: Buffer.from(JSON.stringify({ V: i })) });
        }
        await log.produce('nums', batch);
      }
      // The query starts after the input is loaded, so the children do (nearly) all the work.
      await setup.execute(`SET 'auto.offset.reset'='earliest';
        CREATE STREAM odd AS SELECT id, v * 2 AS doubled FROM nums WHERE v % 2 = 1;`);
      await setup.close();

      const rand = seededRandom(20261122);
      const progress: number[] = [];
      for (let k = 0; k < 5; k++) {
        await runChild(dir, 'run', 1000 + Math.floor(rand() * 15_000));
        // After every kill: what is committed holds no duplicate, and only grows.
        const seen = await sinkCounts(dir);
        expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
        progress.push(seen.size);
      }
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      console.log(`crash test: committed outputs after each kill: ${progress.join(", ")}`);
      const out = await runChild(dir, 'finish');
      expect(out).toContain('done');

      const seen = await sinkCounts(dir);
      const dupes = [...seen].filter(([, n]) => n > 1);
      expect(dupes).toEqual([]);
      expect(seen.size).toBe(RECORDS / 2);
      for (let i = 1; i < RECORDS; i += 2) if (!seen.has(i)) throw new Error(`missing output for ${i}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Reads the sink straight from the log (no engine, so no query resumes): id → times seen. */
async function sinkCounts(dir: string): Promise<Map<number, number>> {
  const clog = EmbeddedLog.open({ dataDir: dir });
  const seen = new Map<number, number>();
  try {
      const info = await clog.describeTopic('ODD');
      for (let p = 0; p < info!.partitions; p++) {
        let off = await clog.startOffset('ODD', p);
        for (;;) {
          const recs = await clog.fetch('ODD', p, off, 10_000);
          if (recs.length === 0) break;
          for (const r of recs) {
            const id = Number(r.key!.readBigInt64BE(0));
            const doubled = JSON.parse(r.value!.toString()).DOUBLED as number;
            expect(doubled).toBe(id * 2);
            seen.set(id, (seen.get(id) ?? 0) + 1);
          }
          off = recs[recs.length - 1]!.offset + 1;
        }
      }
  } finally {
    await clog.close();
  }
  return seen;
}

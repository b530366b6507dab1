// Each benchmark query Sluice can run must give its baseline's result on a small data set,
// so the ratios compare equal work. A query the engine rejects is skipped, with its reason;
// the benchmark itself never runs in `npm test` (npm run bench).

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import { generateNexmark } from './datagen.js';
import { baselineTopic, runBaseline, runSluice } from './measure.js';
import { DEFAULT_CONFIG } from './nexmark/model.js';
import { readResult } from './outputs.js';
import { QUERIES, type BenchQuery } from './queries.js';

// Enough for every query to have results (q2 keeps 1 bid in ~120, q3 ~1 auction in 10), and
// at 200 events/s of event time they span 25 s: several tumbling and hopping windows.
const EVENTS = 5000;
const EVENTS_PER_SECOND = 200;

let root: string;
let source: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'sluice-bench-test-'));
  source = path.join(root, 'source');
  const engine = new Engine({ dataDir: source });
  try {
    await generateNexmark(engine, { ...DEFAULT_CONFIG, events: EVENTS, eventsPerSecond: EVENTS_PER_SECOND });
  } finally {
    await engine.close();
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function copy(q: BenchQuery, side: string): string {
  const dir = path.join(root, `${q.id}-${side}`);
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  return dir;
}

async function result(dir: string, topic: string, q: BenchQuery): Promise<string[]> {
  const log = EmbeddedLog.open({ dataDir: dir });
  try {
    return await readResult(log, topic, q.baseline.output);
  } finally {
    await log.close();
  }
}

describe('Nexmark benchmark queries match their baselines', () => {
  for (const q of QUERIES) {
    it(q.id, async (ctx) => {
      const sluiceDir = copy(q, 'sluice');
      const sluice = await runSluice(sluiceDir, q);
      if (sluice.kind === 'notRun') {
        expect(sluice.reason).not.toBe('');
        ctx.skip(`not run: ${sluice.reason.split('\n')[0]}`);
        return;
      }
      const baselineDir = copy(q, 'baseline');
      const baseline = await runBaseline(baselineDir, q);
      expect(sluice.events).toBe(baseline.events);
      const expected = await result(baselineDir, baselineTopic(q), q);
      expect(expected.length).toBeGreaterThan(0);
      expect(await result(sluiceDir, q.sink, q)).toEqual(expected);
    });
  }
});

// Each benchmark query Sluice can run must give its baseline's result on a small data set,
// so the ratios compare equal work. A query the engine rejects is skipped, with its reason;
// the benchmark itself never runs in `npm test` (npm run bench). Likewise the pull benchmark's
// lookups must return the rows its raw-SQLite baseline reads, and the state benchmark's two
// sides must build the same table (on 1,000 keys here; the benchmark runs 1,000,000).

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
import { LOOKUPS, RawLookups, buildPullTable, pullSql, sluiceRows } from './pull.js';
import { ALL_QUERIES, type BenchQuery } from './queries.js';
import { runStateBaseline, runStateSluice, STATE_BASELINE_SINK, STATE_OUTPUT, STATE_SINK, stateProblems } from './state.js';

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

function copy(q: Pick<BenchQuery, 'id'>, side: string): string {
  const dir = path.join(root, `${q.id}-${side}`);
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  return dir;
}

async function result(dir: string, topic: string, output: BenchQuery['baseline']['output']): Promise<string[]> {
  const log = EmbeddedLog.open({ dataDir: dir });
  try {
    return await readResult(log, topic, output);
  } finally {
    await log.close();
  }
}

describe('Nexmark benchmark queries (and stream-table enrichment) match their baselines', () => {
  for (const q of ALL_QUERIES) {
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
      const expected = await result(baselineDir, baselineTopic(q), q.baseline.output);
      expect(expected.length).toBeGreaterThan(0);
      expect(await result(sluiceDir, q.sink, q.baseline.output)).toEqual(expected);
    });
  }
});

describe('the pull benchmark', () => {
  it('reads the same rows through Sluice as its baseline does from raw SQLite', async () => {
    const dir = copy({ id: 'pull' }, 'both');
    const { workload } = await buildPullTable(dir, 4, 0, 1);
    const engine = new Engine({ dataDir: dir });
    const raw = new RawLookups(dir);
    try {
      await engine.drain();
      for (const lookup of LOOKUPS) {
        for (const strings of workload.queries[lookup]) {
          const params = strings.map((s) => BigInt(s));
          const expected = raw.rows(lookup, params);
          expect(expected.length).toBeGreaterThan(0);
          const actual = await sluiceRows(engine, pullSql(lookup, params));
          // An IN list's rows may come in any order; a range's LIMIT keeps the first rows by key.
          if (lookup === 'inList') expect([...actual].sort(byKey)).toEqual([...expected].sort(byKey));
          else expect(actual).toEqual(expected);
        }
      }
    } finally {
      raw.close();
      await engine.close();
    }
  });
});

describe('the state benchmark', () => {
  it('builds one group per key, the same table on Sluice as on its baseline', async () => {
    const keys = 1000;
    const sluiceDir = path.join(root, 'state-sluice');
    const baselineDir = path.join(root, 'state-baseline');
    const sluice = await runStateSluice(sluiceDir, { keys });
    const baseline = await runStateBaseline(baselineDir, { keys });
    expect(stateProblems(sluice)).toEqual([]);
    expect(stateProblems(baseline)).toEqual([]);
    expect(sluice.outputRecords).toBeGreaterThanOrEqual(keys);
    const expected = await result(baselineDir, STATE_BASELINE_SINK, STATE_OUTPUT);
    expect(expected.length).toBe(keys);
    expect(await result(sluiceDir, STATE_SINK, STATE_OUTPUT)).toEqual(expected);
  });
});

const byKey = (a: readonly unknown[], b: readonly unknown[]) => ((a[0] as bigint) < (b[0] as bigint) ? -1 : 1);

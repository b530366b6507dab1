// `npm run bench`: Nexmark on Sluice, as ratios to hand-written baselines over the same storage.
// It generates the data set once into a temporary data directory, then for each query runs
// Sluice and the baseline side by side, each in its own process on its own copy of the data,
// and prints a table.
//
//   --events N        events to generate (default 200000: the default set takes about a minute)
//   --query Q         only these queries (repeatable, or a comma list: --query q0,q5)
//   --json FILE       write {"queries": {"q0": {eventsPerSec, baselineEventsPerSec, ratio,
//                     peakRssMb, ...}, "q3": {"notRun": reason}}, ...}
//   --seed S, --rate R, --out-of-order P   the generator's settings (see datagen-cli.ts)
//   --profile DIR     run Sluice with node --cpu-prof, writing .cpuprofile files to DIR
//                     (summarise one with: npx tsx test/bench/profile-summary.ts FILE)
//   --keep            keep the temporary data directories (their path is printed)

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../runtime/engine/engine.js';
import { generateNexmark } from './datagen.js';
import { nexmarkConfig } from './options.js';
import { selectQueries, type BenchQuery } from './queries.js';
import { entryFor, formatTable, type Entry, type MeasuredPair } from './report.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
export const DEFAULT_EVENTS = '200000';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: DEFAULT_EVENTS },
      query: { type: 'string', multiple: true },
      json: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      'out-of-order': { type: 'string' },
      profile: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const queries = selectQueries(values.query);
  const config = nexmarkConfig(values);
  const profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const started = performance.now();
  const root = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'));
  try {
    const source = path.join(root, 'source');
    const engine = new Engine({ dataDir: source });
    try {
      const gen = await generateNexmark(engine, config);
      const counts = Object.entries(gen.topics).map(([t, s]) => `${s.records} ${t}s`).join(', ');
      console.log(`Generated ${config.events} Nexmark events (${counts}; seed ${config.seed}) in ${(gen.elapsedMs / 1000).toFixed(1)} s.`);
    } finally {
      await engine.close();
    }
    console.log('Each query: Sluice, then the baseline, each in a child process on its own copy of the on-disk log.\n');

    const entries: Record<string, Entry> = {};
    let failures = 0;
    for (const q of queries) {
      try {
        const pair: MeasuredPair = {
          sluice: await measure('sluice', q, source, root, profileDir),
          baseline: await measure('baseline', q, source, root, undefined),
        };
        entries[q.id] = entryFor(pair);
        const e = entries[q.id]!;
        console.log('notRun' in e ? `${q.id}: not run` : `${q.id}: ratio ${e.ratio.toFixed(2)}`);
      } catch (e) {
        failures++;
        entries[q.id] = { notRun: `failed: ${e instanceof Error ? e.message : String(e)}` };
        console.log(`${q.id}: FAILED`);
      }
    }
    console.log(`\n${formatTable(entries)}\n`);
    console.log(`Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
    if (values.json !== undefined) {
      const doc = {
        queries: entries,
        events: config.events,
        generator: { seed: config.seed, eventsPerSecond: config.eventsPerSecond, outOfOrderShare: config.outOfOrderShare, maxDelayMs: config.maxDelayMs },
        storage: 'embedded (SQLite, on disk)',
        node: process.version,
      };
      writeFileSync(values.json, `${JSON.stringify(doc, null, 2)}\n`);
      console.log(`Wrote ${values.json}.`);
    }
    if (profileDir) console.log(`CPU profiles in ${profileDir}.`);
    return failures > 0 ? 1 : 0;
  } finally {
    if (values.keep) console.log(`Kept ${root}.`);
    else rmSync(root, { recursive: true, force: true });
  }
}

/** Copies the generated data and runs one side of one query in a child process. */
async function measure(
  system: 'sluice' | 'baseline',
  q: BenchQuery,
  source: string,
  root: string,
  profileDir: string | undefined,
): Promise<MeasuredPair['sluice']> {
  const dir = path.join(root, `${q.id}-${system}`);
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  try {
    const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${q.id}-${system}.cpuprofile`] : [];
    const out = await run(process.execPath, [...prof, '--import', 'tsx', CHILD, system, q.id, dir]);
    return JSON.parse(out.trim().split('\n').pop()!) as MeasuredPair['sluice'];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit code ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`));
    });
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);

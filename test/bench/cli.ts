// `npm run bench`: Nexmark on Sluice, as ratios to hand-written baselines over the same storage.
// It generates the data set once into a temporary data directory, then for each query runs
// Sluice and the baseline side by side, alternately, each run in its own process on its own
// copy of the data, and prints a table of each side's best run.
//
//   --events N        events to generate (default 100000)
//   --repeat N        runs per side and query (default 3; a query Sluice rejects runs its
//                     baseline once)
//   --query Q         only these queries (repeatable, or a comma list: --query q0,q5)
//   --json FILE       write {"queries": {"q0": {eventsPerSec, baselineEventsPerSec, ratio,
//                     peakRssMb, ...}, "q3": {"notRun": reason}}, ...}
//   --seed S, --rate R, --out-of-order P   the generator's settings (see datagen-cli.ts)
//   --profile DIR     write a CPU profile of each query's first Sluice run (the measured part
//                     only) to DIR/QUERY-sluice.cpuprofile; summarise one with
//                     npx tsx test/bench/profile-summary.ts FILE
//   --keep            keep the temporary data directories (their path is printed)

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../runtime/engine/engine.js';
import { generateNexmark } from './datagen.js';
import { nexmarkConfig, positiveInt } from './options.js';
import { selectQueries, type BenchQuery } from './queries.js';
import { entryFor, formatTable, type ChildResult, type Entry } from './report.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      // The default set (every query, three runs a side) stays well under five minutes.
      events: { type: 'string', default: '100000' },
      repeat: { type: 'string', default: '3' },
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
  const repeat = positiveInt('repeat', values.repeat);
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
    console.log(`Each query: Sluice and the baseline alternately, ${repeat} run(s) each, every run in a child process on its own copy of the on-disk log.\n`);

    const entries: Record<string, Entry> = {};
    let failures = 0;
    for (const q of queries) {
      try {
        const sluice: ChildResult[] = [];
        const baseline: ChildResult[] = [];
        for (let i = 0; i < repeat; i++) {
          const profile = profileDir && i === 0 ? path.join(profileDir, `${q.id}-sluice.cpuprofile`) : undefined;
          sluice.push(await measure('sluice', q, source, root, profile));
          baseline.push(await measure('baseline', q, source, root, undefined));
          if (sluice[0]!.result.kind === 'notRun') break;
        }
        entries[q.id] = entryFor(sluice, baseline);
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
        repeat,
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
  profileFile: string | undefined,
): Promise<ChildResult> {
  const dir = path.join(root, `${q.id}-${system}`);
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  try {
    const out = await run(process.execPath, ['--import', 'tsx', CHILD, system, q.id, dir, ...(profileFile ? [profileFile] : [])]);
    return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
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

// `npm run bench`: Nexmark on Sluice, as ratios to hand-written baselines over the same storage,
// then stream-table enrichment the same way, then pull- and push-query latency, then state. It
// generates the data set once into a temporary data directory, then for each query runs Sluice
// and the baseline side by side, alternately, each run in its own process on its own copy of
// the data, and prints a table of each side's best run. The pull benchmark materialises a table over the data set once, then
// runs the same lookups on Sluice and on raw SQLite the same way; the push benchmark (no
// baseline) runs once. The state benchmark (state.ts: peak RSS while aggregating 1,000,000
// distinct keys) runs Sluice and its baseline once each, on fresh data directories of their
// own; it takes about 40 s on two cores, and the whole default run about 3 minutes. With Java,
// Kafka-mode throughput (kafka-bench.ts: its own single-node test broker, Sluice in Kafka mode
// against a plain kafkajs loop) adds under a minute; without, it prints one line saying so.
//
//   --events N        events to generate (default 100000)
//   --repeat N        runs per side and query (default 3; a query Sluice rejects runs its
//                     baseline once); also the pull benchmark's runs per side
//   --query Q         only these (repeatable, or a comma list: --query q0,q5,pull): Nexmark
//                     queries, `enrich` (bids joined to a table of auctions: queries/enrich.sql
//                     against baseline/enrich.ts), `pull` (pull-query latency, pull.ts), `push`
//                     (push-query latency, push.ts) and `state` (peak RSS over many keys,
//                     state.ts), `http-pull` / `http-push` (pull queries and push-query
//                     latency over HTTP against `sluice server` in its own process:
//                     http-pull.ts, http-push.ts; `http` for both), `kafka` (Kafka-mode
//                     throughput of q0 and a COUNT per auction against a kafkajs
//                     consume-transform-produce loop on a single-node test broker:
//                     kafka-bench.ts; skipped with one line when Java is missing); the
//                     default is all of them
//   --lookups N       pull queries of each kind per run, after as many warm-up (default 2000)
//   --produces N      push: single-record produces, then N/10 of 10 records (default 2000)
//   --keys N          state: distinct keys, one record each (default 1000000)
//   --http-queries N  http-pull: lookups measured, after a quarter as many warm-up (default 20000)
//   --http-clients N  http-pull: concurrent keep-alive clients (default 16)
//   --http-inserts N  http-push: INSERTs measured, after 50 warm-up (default 1000)
//   --kafka-events N  kafka: Nexmark events loaded into the broker (default 100000, as the embedded queries)
//   --json FILE       write {"queries": {"q0": {eventsPerSec, baselineEventsPerSec, ratio,
//                     peakRssMb, ...}, "q3": {"notRun": reason}, "q4": {"failed": error}},
//                     "enrichment": {eventsPerSec, baselineEventsPerSec, ratio, ...},
//                     "pull": {"lookups": {"key": {p50Us, p99Us, qps, baselineP50Us, ...,
//                     ratio}, ...}, ...}, "push": {"single": {p50Ms, p99Ms, ...}, "batch":
//                     {...}, ...}, "state": {eventsPerSec, baselineEventsPerSec, ratio,
//                     peakRssMb, baselinePeakRssMb, rssAimMb, withinAim, ...}, "httpPull":
//                     {qps, p50Ms, p99Ms, aims, withinAims, ...}, "httpPush": {p50Ms, p99Ms,
//                     aims, withinAims, ...}, "kafka": {events, loadMs, "queries": {"q0":
//                     {eventsPerSec, baselineEventsPerSec, ratio, outputRecords,
//                     baselineOutputRecords, ...}, "count": {...}}} or {"skipped": reason}, ...}
//   --seed S, --rate R, --out-of-order P   the generator's settings (see datagen-cli.ts)
//   --profile DIR     write a CPU profile of each benchmark's first Sluice run (the measured
//                     part only; for state, its produce too) to DIR/ID-sluice.cpuprofile (ID:
//                     q0..., pull, push, state); summarise one with
//                     npx tsx test/bench/profile-summary.ts FILE
//   --keep            keep the temporary data directories (their path is printed)
// The exit code is 1 when a benchmark failed (a crash, a wrong answer, or a rejection other
// than "not supported yet").

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../runtime/engine/engine.js';
import { generateNexmark } from './datagen.js';
import { formatPull, formatPush, pullEntryFor, pushEntryFor, type ChildOutput, type PullReport, type PushReport } from './latency-report.js';
import type { NexmarkConfig } from './nexmark/model.js';
import { nexmarkConfig, positiveInt } from './options.js';
import { buildPullTable, type PullMeasurement } from './pull.js';
import type { PushMeasurement, PushOptions } from './push.js';
import { ENRICHMENT, selectBenchmarks, type BenchQuery } from './queries.js';
import { entryFor, formatTable, type ChildResult, type Entry, type NotRunEntry, type RanEntry } from './report.js';
import { STATE_KEYS, type StateMeasurement, type StateOptions } from './state.js';
import { formatState, stateEntryFor, type StateReport } from './state-report.js';
import { benchHttpPull, formatHttpPull, type HttpPullReport } from './http-pull.js';
import { benchHttpPush, formatHttpPush, type HttpPushReport } from './http-push.js';
import { NOTHING_ELSE, selectHttp, type HttpSelection } from './http-select.js';
import { benchKafka, formatKafka, type KafkaReport } from './kafka-bench.js';
import { selectKafka } from './kafka-select.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Single-record produces before the push benchmark measures: the query's first rows compile and warm it. */
const PUSH_WARMUP = 50;

interface Run {
  readonly source: string;
  readonly root: string;
  readonly repeat: number;
  readonly profileDir: string | undefined;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      // The default set (every benchmark, three runs a side) stays under five minutes.
      events: { type: 'string', default: '100000' },
      repeat: { type: 'string', default: '3' },
      query: { type: 'string', multiple: true },
      lookups: { type: 'string', default: '2000' },
      produces: { type: 'string', default: '2000' },
      keys: { type: 'string', default: String(STATE_KEYS) },
      'http-queries': { type: 'string', default: '20000' },
      'http-clients': { type: 'string', default: '16' },
      'http-inserts': { type: 'string', default: '1000' },
      // 20,000 keeps the section (broker start, load, 2 queries x 2 sides x --repeat runs) near a minute.
      'kafka-events': { type: 'string', default: '100000' },
      json: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      'out-of-order': { type: 'string' },
      profile: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const kafkaSelection = selectKafka(values.query);
  const httpSelection: HttpSelection = kafkaSelection.onlyKafka ? { http: new Set(), rest: [], onlyHttp: true } : selectHttp(kafkaSelection.rest);
  const kafkaConfig = nexmarkConfig({ ...values, events: values['kafka-events'] });
  const selection = httpSelection.onlyHttp ? NOTHING_ELSE : selectBenchmarks(httpSelection.rest);
  const httpQueries = positiveInt('http-queries', values['http-queries']);
  const httpClients = positiveInt('http-clients', values['http-clients']);
  const httpInserts = positiveInt('http-inserts', values['http-inserts']);
  const config = nexmarkConfig(values);
  const repeat = positiveInt('repeat', values.repeat);
  const lookups = positiveInt('lookups', values.lookups);
  const produces = positiveInt('produces', values.produces);
  const keys = positiveInt('keys', values.keys);
  const profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const started = performance.now();
  const root = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'));
  try {
    const source = path.join(root, 'source');
    // The state benchmark produces its own records: `--query state` alone generates nothing.
    const nexmark = selection.queries.length > 0 || selection.enrichment || selection.latency.size > 0 || httpSelection.http.size > 0;
    if (nexmark) {
      const engine = new Engine({ dataDir: source });
      try {
        const gen = await generateNexmark(engine, config);
        const counts = Object.entries(gen.topics).map(([t, s]) => `${s.records} ${t}s`).join(', ');
        console.log(`Generated ${config.events} Nexmark events (${counts}; seed ${config.seed}) in ${(gen.elapsedMs / 1000).toFixed(1)} s.`);
      } finally {
        await engine.close();
      }
    }
    const run: Run = { source, root, repeat, profileDir };
    let failures = 0;

    const entries: Record<string, Entry> = {};
    if (selection.queries.length > 0) {
      console.log(`Each query: Sluice and the baseline alternately, ${repeat} run(s) each, every run in a child process on its own copy of the on-disk log.\n`);
      for (const q of selection.queries) {
        try {
          const entry = await benchQuery(run, q);
          entries[q.id] = entry;
          console.log('notRun' in entry ? `${q.id}: not run` : `${q.id}: ratio ${entry.ratio.toFixed(2)}`);
        } catch (e) {
          failures++;
          const message = e instanceof Error ? e.message : String(e);
          entries[q.id] = { failed: firstLine(message) };
          console.log(`${q.id}: FAILED\n${message}`);
        }
      }
      console.log(`\n${formatTable(entries)}\n`);
    }

    let enrichment: Entry | undefined;
    if (selection.enrichment) {
      console.log('Stream-table enrichment: bids joined to a table of auctions (queries/enrich.sql).');
      try {
        enrichment = await benchQuery(run, ENRICHMENT);
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        enrichment = { failed: firstLine(message) };
        console.log(`enrich: FAILED\n${message}`);
      }
      console.log(`\n${formatTable({ [ENRICHMENT.id]: enrichment })}\n`);
    }

    let pull: PullReport | undefined;
    if (selection.latency.has('pull')) {
      try {
        pull = await benchPull(run, lookups, config);
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        pull = { failed: firstLine(message) };
        console.log(`pull: FAILED\n${message}`);
      }
      console.log(`\n${formatPull(pull)}\n`);
    }

    let push: PushReport | undefined;
    if (selection.latency.has('push')) {
      try {
        const options: PushOptions = { singles: produces, batches: Math.max(1, Math.round(produces / 10)), warmup: PUSH_WARMUP, seed: config.seed + 1 };
        push = pushEntryFor(await child<PushMeasurement>(run, 'sluice', 'push', run.source, options, true));
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        push = { failed: firstLine(message) };
        console.log(`push: FAILED\n${message}`);
      }
      console.log(`${formatPush(push)}\n`);
    }

    let httpPull: HttpPullReport | undefined;
    if (httpSelection.http.has('http-pull')) {
      try {
        const warmup = Math.max(1, Math.round(httpQueries / 4));
        httpPull = await benchHttpPull(run.source, run.root, { clients: httpClients, queries: httpQueries, warmup, seed: config.seed + 2 });
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        httpPull = { failed: firstLine(message) };
        console.log(`http-pull: FAILED\n${message}`);
      }
      console.log(`${formatHttpPull(httpPull)}\n`);
    }

    let httpPush: HttpPushReport | undefined;
    if (httpSelection.http.has('http-push')) {
      try {
        httpPush = await benchHttpPush(run.source, run.root, { inserts: httpInserts, warmup: PUSH_WARMUP });
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        httpPush = { failed: firstLine(message) };
        console.log(`http-push: FAILED\n${message}`);
      }
      console.log(`${formatHttpPush(httpPush)}\n`);
    }

    let kafka: KafkaReport | undefined;
    if (kafkaSelection.kafka) {
      try {
        kafka = await benchKafka(kafkaConfig, repeat);
        if ('queries' in kafka) failures += Object.values(kafka.queries).filter((e) => 'failed' in e).length;
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        kafka = { failed: firstLine(message) };
        console.log(`kafka: FAILED\n${message}`);
      }
      console.log(`${formatKafka(kafka)}\n`);
    }

    let state: StateReport | undefined;
    if (selection.state) {
      try {
        const options: StateOptions = { keys };
        // One run a side: each takes tens of seconds, and peak RSS barely varies between runs.
        const sluice = await child<StateMeasurement>(run, 'sluice', 'state', undefined, options, true);
        const baseline = await child<StateMeasurement>(run, 'baseline', 'state', undefined, options, false);
        state = stateEntryFor(sluice, baseline);
      } catch (e) {
        failures++;
        const message = e instanceof Error ? e.message : String(e);
        state = { failed: firstLine(message) };
        console.log(`state: FAILED\n${message}`);
      }
      console.log(`${formatState(state)}\n`);
    }

    console.log(`Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
    if (values.json !== undefined) {
      const doc = {
        queries: entries,
        ...(enrichment ? { enrichment } : {}),
        ...(pull ? { pull } : {}),
        ...(push ? { push } : {}),
        ...(state ? { state } : {}),
        ...(httpPull ? { httpPull } : {}),
        ...(httpPush ? { httpPush } : {}),
        ...(kafka ? { kafka } : {}),
        ...(nexmark
          ? {
              events: config.events,
              generator: { seed: config.seed, eventsPerSecond: config.eventsPerSecond, outOfOrderShare: config.outOfOrderShare, maxDelayMs: config.maxDelayMs },
            }
          : {}),
        repeat,
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

async function benchQuery(run: Run, q: BenchQuery): Promise<RanEntry | NotRunEntry> {
  const sluice: ChildResult[] = [];
  const baseline: ChildResult[] = [];
  for (let i = 0; i < run.repeat; i++) {
    sluice.push(await child<ChildResult['result']>(run, 'sluice', q.id, run.source, undefined, i === 0));
    baseline.push(await child<ChildResult['result']>(run, 'baseline', q.id, run.source, undefined, false));
    if (sluice[0]!.result.kind === 'notRun') break;
  }
  return entryFor(sluice, baseline);
}

/** Materialises the pull table once, then times the same lookups on Sluice and on raw SQLite, alternately. */
async function benchPull(run: Run, lookups: number, config: NexmarkConfig): Promise<PullReport> {
  const dir = path.join(run.root, 'pull-source');
  copyData(run.source, dir);
  // As many warm-up queries as measured ones: the pull path (parser, analyzer, expression
  // compiler) is a lot of code for V8 to optimise, and with only a tenth as many the p50 of
  // the key lookups came out over twice its steady state, with optimising-compiler spikes.
  const warmup = lookups;
  const table = await buildPullTable(dir, lookups, warmup, config.seed);
  console.log(`pull: materialised ${table.rows} rows in ${(table.elapsedMs / 1000).toFixed(1)} s; ${run.repeat} run(s) a side.`);
  const sluice: ChildOutput<PullMeasurement>[] = [];
  const baseline: ChildOutput<PullMeasurement>[] = [];
  for (let i = 0; i < run.repeat; i++) {
    sluice.push(await child<PullMeasurement>(run, 'sluice', 'pull', dir, table.workload, i === 0));
    baseline.push(await child<PullMeasurement>(run, 'baseline', 'pull', dir, table.workload, false));
  }
  return pullEntryFor({ rows: table.rows, elapsedMs: table.elapsedMs, queries: lookups, warmup }, sluice, baseline);
}

function copyData(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
}

/**
 * Runs one side of one benchmark in a child process on a fresh copy of `data` (without it, on
 * an empty data directory); `workload` goes to it as a JSON file. With `profile` (a benchmark's
 * first Sluice run) and --profile, it writes a CPU profile.
 */
async function child<T>(
  run: Run,
  system: 'sluice' | 'baseline',
  id: string,
  data: string | undefined,
  workload: unknown,
  profile: boolean,
): Promise<ChildOutput<T>> {
  const dir = path.join(run.root, `${id}-${system}`);
  if (data !== undefined) copyData(data, dir);
  try {
    const args = [CHILD, system, id, dir];
    if (workload !== undefined) {
      const file = path.join(run.root, `${id}-workload.json`);
      writeFileSync(file, JSON.stringify(workload));
      args.push('--workload', file);
    }
    if (run.profileDir && profile) args.push('--profile', path.join(run.profileDir, `${id}-sluice.cpuprofile`));
    const out = await exec(process.execPath, ['--import', 'tsx', ...args]);
    return JSON.parse(out.trim().split('\n').pop()!) as ChildOutput<T>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const firstLine = (message: string) => message.split('\n')[0]!.replace(/^Error: /, '');

function exec(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(stderr.trim() || `exit code ${code}`));
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

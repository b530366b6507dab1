// One measurement in its own process, so that its peak RSS is its own: the OS tracks a
// process's high-water mark exactly (getrusage's maxrss), where sampling
// process.memoryUsage() could miss a short peak, and no run inherits another's heap or JIT.
//   node --import tsx test/bench/child.ts sluice|baseline QUERY DATA_DIR [--workload FILE] [--profile FILE]
// QUERY is a Nexmark query id, `pull` (--workload: a PullWorkload as JSON), `push` (Sluice
// only; --workload: PushOptions as JSON) or `state` (an empty DATA_DIR; --workload:
// StateOptions as JSON). It prints one JSON line: {"result": ..., "peakRssMb": number}, the
// result being a Measurement | NotRun, a PullMeasurement, a PushMeasurement or a
// StateMeasurement.
// With --profile it writes a V8 CPU profile of the measurement alone (not of module loading).

import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { runBaseline, runSluice } from './measure.js';
import { runPullBaseline, runPullSluice, type PullWorkload } from './pull.js';
import { runPush, type PushOptions } from './push.js';
import { ALL_QUERIES } from './queries.js';
import { runStateBaseline, runStateSluice, type StateOptions } from './state.js';

const USAGE = 'usage: child.ts sluice|baseline QUERY DATA_DIR [--workload FILE] [--profile FILE]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { workload: { type: 'string' }, profile: { type: 'string' } },
  });
  const [system, id, dataDir] = positionals;
  if ((system !== 'sluice' && system !== 'baseline') || id === undefined || dataDir === undefined) throw new Error(USAGE);
  const workload = () => {
    if (values.workload === undefined) throw new Error(`${id} needs --workload FILE\n${USAGE}`);
    return JSON.parse(readFileSync(values.workload, 'utf8')) as unknown;
  };
  let run: () => Promise<unknown>;
  if (id === 'pull') {
    const w = workload() as PullWorkload;
    run = system === 'sluice' ? () => runPullSluice(dataDir, w) : () => runPullBaseline(dataDir, w);
  } else if (id === 'push') {
    if (system !== 'sluice') throw new Error('push has no baseline');
    const o = workload() as PushOptions;
    run = () => runPush(dataDir, o);
  } else if (id === 'state') {
    const o = workload() as StateOptions;
    run = system === 'sluice' ? () => runStateSluice(dataDir, o) : () => runStateBaseline(dataDir, o);
  } else {
    const q = ALL_QUERIES.find((x) => x.id === id);
    if (!q) throw new Error(`unknown query ${id}\n${USAGE}`);
    run = system === 'sluice' ? () => runSluice(dataDir, q) : () => runBaseline(dataDir, q);
  }
  const session = values.profile === undefined ? undefined : new Session();
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const result = await run();
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(values.profile!, JSON.stringify(profile));
    session.disconnect();
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ result, peakRssMb })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

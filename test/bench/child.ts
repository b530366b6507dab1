// One measurement in its own process, so that its peak RSS is its own: the OS tracks a
// process's high-water mark exactly (getrusage's maxrss), where sampling
// process.memoryUsage() could miss a short peak, and no run inherits another's heap or JIT.
//   node --import tsx test/bench/child.ts sluice|baseline QUERY DATA_DIR
// prints one JSON line: {"result": Measurement | NotRun, "peakRssMb": number}.

import { runBaseline, runSluice } from './measure.js';
import { selectQueries } from './queries.js';

async function main(): Promise<void> {
  const [system, id, dataDir] = process.argv.slice(2);
  if ((system !== 'sluice' && system !== 'baseline') || id === undefined || dataDir === undefined) {
    throw new Error('usage: child.ts sluice|baseline QUERY DATA_DIR');
  }
  const q = selectQueries([id])[0]!;
  const result = system === 'sluice' ? await runSluice(dataDir, q) : await runBaseline(dataDir, q);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ result, peakRssMb })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

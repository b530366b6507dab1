// One measurement in its own process, so that its peak RSS is its own: the OS tracks a
// process's high-water mark exactly (getrusage's maxrss), where sampling
// process.memoryUsage() could miss a short peak, and no run inherits another's heap or JIT.
//   node --import tsx test/bench/child.ts sluice|baseline QUERY DATA_DIR [PROFILE_FILE]
// prints one JSON line: {"result": Measurement | NotRun, "peakRssMb": number}. With
// PROFILE_FILE it writes a V8 CPU profile of the measurement alone (not of module loading).

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { runBaseline, runSluice } from './measure.js';
import { selectQueries } from './queries.js';

async function main(): Promise<void> {
  const [system, id, dataDir, profileFile] = process.argv.slice(2);
  if ((system !== 'sluice' && system !== 'baseline') || id === undefined || dataDir === undefined) {
    throw new Error('usage: child.ts sluice|baseline QUERY DATA_DIR [PROFILE_FILE]');
  }
  const q = selectQueries([id])[0]!;
  const session = profileFile === undefined ? undefined : new Session();
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const result = system === 'sluice' ? await runSluice(dataDir, q) : await runBaseline(dataDir, q);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile!, JSON.stringify(profile));
    session.disconnect();
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ result, peakRssMb })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

// Child process of the crash test: opens the engine on a data directory (which restores the
// catalog and resumes the persistent query from its committed positions) and processes.
// Mode 'run' processes until killed; mode 'finish' drains everything and exits cleanly.

import { Engine } from '../../runtime/engine/engine.js';

const [dir, mode] = process.argv.slice(2);
const engine = new Engine({ dataDir: dir! });
await engine.execute('SHOW QUERIES;');
process.stdout.write('ready\n');
if (mode === 'finish') {
  await engine.drain();
  await engine.close();
  process.stdout.write('done\n');
} else {
  // The query's own loop runs in the background; report how far it got until SIGKILL.
  setInterval(() => {
    const processed = engine.queryStats().reduce((n, q) => n + q.processed, 0);
    process.stdout.write(`progress ${processed}\n`);
  }, 2);
}

// Child process of the crash test: opens the engine on a data directory (which restores the
// catalog and resumes the persistent query from its committed positions) and processes.
// Mode 'run' processes until killed; mode 'finish' drains everything and exits cleanly.

import { Engine } from '../../runtime/engine/engine.js';
import { childMain } from './harness.js';

const [dir, mode] = process.argv.slice(2);
const engine = new Engine({ dataDir: dir! });
await childMain(engine, mode!, 2);
